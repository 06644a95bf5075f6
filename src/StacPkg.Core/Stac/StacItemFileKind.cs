namespace StacPkg.Core.Stac;

/// <summary>The formats an Item file can have, told apart by extension.</summary>
internal enum StacItemFileKind
{
    /// <summary>.json / .geojson: an Item, a FeatureCollection or an array of Items.</summary>
    Json,

    /// <summary>.ndjson / .jsonl / .ndgeojson: one Item per line.</summary>
    Ndjson,

    /// <summary>.parquet / .geoparquet: STAC GeoParquet.</summary>
    Parquet,
}
