using System.Management.Automation;
using StacPkg.Core.GeoParquet;

namespace StacPkg.PowerShell;

/// <summary>
/// The cmdlets that write an Items file (Export-StacItem, New-StacPackage): the parameters that lay
/// out STAC GeoParquet. -Compression and -SortBy come in as strings checked by ValidateSet rather
/// than as Core's enums, so that their defaults need no Core type while the module is analysed.
/// </summary>
public abstract class StacItemWriterCmdlet : StacCmdlet
{
    /// <summary>STAC Collections stored in the file's metadata: StacCollection objects, Collection JSON text, or objects from Invoke-RestMethod.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public object[]? StacCollection { get; set; }

    /// <summary>The codec of the file's pages.</summary>
    [Parameter]
    [ValidateSet(nameof(ParquetCompression.Zstd), nameof(ParquetCompression.Snappy), nameof(ParquetCompression.None), IgnoreCase = true)]
    public string Compression { get; set; } = nameof(ParquetCompression.Zstd);

    /// <summary>Items per row group.</summary>
    [Parameter]
    [ValidateRange(1, GeoParquetWriteOptions.MaxRowGroupSize)]
    public int RowGroupSize { get; set; } = GeoParquetWriteOptions.DefaultRowGroupSize;

    /// <summary>The row order: input order, by datetime, or along a Hilbert curve of the bbox centres.</summary>
    [Parameter]
    [ValidateSet(nameof(ItemSortOrder.None), nameof(ItemSortOrder.Datetime), nameof(ItemSortOrder.Hilbert), IgnoreCase = true)]
    public string SortBy { get; set; } = nameof(ItemSortOrder.None);

    /// <summary>The layout these parameters ask for; a bad -StacCollection value ends the command.</summary>
    protected GeoParquetWriteOptions ItemFileOptions() => new()
    {
        Compression = Enum.Parse<ParquetCompression>(Compression, ignoreCase: true),
        RowGroupSize = RowGroupSize,
        SortBy = Enum.Parse<ItemSortOrder>(SortBy, ignoreCase: true),
        Collections = StacCollection is null ? [] : StacCollectionArgument.Read(this, StacCollection),
    };
}
