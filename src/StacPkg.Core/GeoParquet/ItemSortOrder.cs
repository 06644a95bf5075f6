namespace StacPkg.Core.GeoParquet;

/// <summary>The row order of an Items file.</summary>
public enum ItemSortOrder
{
    /// <summary>The order the Items arrived in.</summary>
    None,

    /// <summary>By datetime (start_datetime when datetime is null), so that time filters skip row groups.</summary>
    Datetime,

    /// <summary>By the Hilbert index of the bbox centre, so that spatial filters skip row groups.</summary>
    Hilbert,
}
