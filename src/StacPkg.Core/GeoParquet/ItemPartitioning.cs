using System.Globalization;
using StacPkg.Core.Stac;

namespace StacPkg.Core.GeoParquet;

/// <summary>Which partition folder of a partitioned Item folder an Item belongs in.</summary>
public static class ItemPartitioning
{
    /// <summary>The key's name in folder names (and the column DuckDB's hive_partitioning makes of it).</summary>
    public static string Name(ItemPartitionKey key) => key switch
    {
        ItemPartitionKey.Collection => "collection",
        ItemPartitionKey.Year => "year",
        _ => throw new ArgumentOutOfRangeException(nameof(key), key, "not a partition key"),
    };

    /// <summary>The Item's value of <paramref name="key"/>, or null when it has none (the default partition).</summary>
    public static string? Value(StacItem item, ItemPartitionKey key) => Value(item.ToRecord(), item.Collection, key);

    private static string? Value(StacItemRecord record, string? collection, ItemPartitionKey key) => key switch
    {
        ItemPartitionKey.Collection => collection,
        // The year of the instant in UTC: the same Item lands in the same folder wherever it is written.
        ItemPartitionKey.Year => ItemRecordMembers.DatetimeOrStart(record.Bytes)?.UtcDateTime.Year.ToString(CultureInfo.InvariantCulture),
        _ => throw new ArgumentOutOfRangeException(nameof(key), key, "not a partition key"),
    };

    /// <summary>The folder, relative to the partitioned folder, one level per key: <c>collection=x/year=2024</c> ('/'-separated).</summary>
    /// <exception cref="StacFormatException">A value is too long for a folder name.</exception>
    public static string Folder(StacItem item, IReadOnlyList<ItemPartitionKey> keys) => Folder(item, item.ToRecord(), keys);

    /// <summary>As <see cref="Folder(StacItem, IReadOnlyList{ItemPartitionKey})"/>, from the Item's record.</summary>
    internal static string Folder(StacItem item, StacItemRecord record, IReadOnlyList<ItemPartitionKey> keys)
    {
        var segments = new string[keys.Count];
        for (var i = 0; i < keys.Count; i++)
        {
            try
            {
                segments[i] = HivePartitionPath.Segment(Name(keys[i]), Value(record, item.Collection, keys[i]));
            }
            catch (ArgumentException ex) when (ex is not ArgumentOutOfRangeException)
            {
                throw new StacFormatException(ex.Message, ex) { ItemId = item.Id };
            }
        }
        return string.Join('/', segments);
    }
}
