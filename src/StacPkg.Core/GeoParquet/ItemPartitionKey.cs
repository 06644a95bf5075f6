namespace StacPkg.Core.GeoParquet;

/// <summary>A property a partitioned Item folder is split by, one folder level per key (see <see cref="ItemPartitioning"/>).</summary>
public enum ItemPartitionKey
{
    /// <summary>The Item's collection id: <c>collection=&lt;id&gt;</c>.</summary>
    Collection,

    /// <summary>The UTC year of <c>datetime</c>, or of <c>start_datetime</c> when datetime is null: <c>year=2024</c>.</summary>
    Year,
}
