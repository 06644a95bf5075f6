namespace StacPkg.Core.GeoParquet;

/// <summary>The storage kinds a column of STAC GeoParquet can take.</summary>
internal enum ColumnKind
{
    /// <summary>Only nulls seen so far.</summary>
    Null,
    Bool,
    Int,
    Double,
    String,
    /// <summary>timestamp(µs, UTC).</summary>
    Timestamp,
    /// <summary>ISO WKB geometry.</summary>
    Binary,
    /// <summary>Values whose JSON types conflict across items, kept as JSON text so they round-trip.</summary>
    Json,
    Struct,
    List,
}
