using StacPkg.Core.GeoParquet;

namespace StacPkg.PowerShell;

/// <summary>
/// -Compression, -RowGroupSize and -SortBy of the cmdlets that write an Items file. The names come
/// in as strings checked by ValidateSet, not as Core's enums: PowerShell lays out a cmdlet's fields
/// when the module is analysed, before Core can be loaded, and an enum field would need it.
/// </summary>
internal static class ItemLayoutArguments
{
    public static GeoParquetWriteOptions ToOptions(string compression, int rowGroupSize, string sortBy) => new()
    {
        Compression = Enum.Parse<ParquetCompression>(compression, ignoreCase: true),
        RowGroupSize = rowGroupSize,
        SortBy = Enum.Parse<ItemSortOrder>(sortBy, ignoreCase: true),
    };
}
