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
    public static string? Value(StacItem item, ItemPartitionKey key) => key switch
    {
        ItemPartitionKey.Collection => item.Collection,
        // The year of the instant in UTC: the same Item lands in the same folder wherever it is written.
        ItemPartitionKey.Year => (UtcInstant(item.Properties.Get("datetime")) ?? UtcInstant(item.Properties.Get("start_datetime")))?.Year.ToString(CultureInfo.InvariantCulture),
        _ => throw new ArgumentOutOfRangeException(nameof(key), key, "not a partition key"),
    };

    /// <summary>A timestamp property as the writer stores it: text, or a date a script set (one without a kind is UTC).</summary>
    private static DateTime? UtcInstant(object? value) => value switch
    {
        string s when StacDateTime.TryParse(s, out var parsed, out _) => parsed.UtcDateTime,
        DateTimeOffset instant => instant.UtcDateTime,
        DateTime date => date.Kind == DateTimeKind.Local ? date.ToUniversalTime() : date,
        _ => null,
    };

    /// <summary>The folder, relative to the partitioned folder, one level per key: <c>collection=x/year=2024</c> ('/'-separated).</summary>
    /// <exception cref="StacFormatException">A value is too long for a folder name.</exception>
    public static string Folder(StacItem item, IReadOnlyList<ItemPartitionKey> keys)
    {
        var segments = new string[keys.Count];
        for (var i = 0; i < keys.Count; i++)
        {
            try
            {
                segments[i] = HivePartitionPath.Segment(Name(keys[i]), Value(item, keys[i]));
            }
            catch (ArgumentException ex) when (ex is not ArgumentOutOfRangeException)
            {
                throw new StacFormatException(ex.Message, ex) { ItemId = item.Id };
            }
        }
        return string.Join('/', segments);
    }
}
