using StacPkg.Core.Json;

namespace StacPkg.Core.GeoParquet;

/// <summary>
/// An asset's <c>proj:geometry</c> as WKB bytes, which stac-geoparquet (Python) writes inside the
/// assets struct and its reader decodes by name (the <c>geo</c> metadata can name only top-level
/// columns). StacPkg writes these geometries as nested structs; reading turns the WKB of such files
/// back into GeoJSON.
/// </summary>
internal static class AssetWkbGeometries
{
    private const string Member = "proj:geometry";

    /// <summary>A leaf at assets.&lt;key&gt;.proj:geometry, whose binary values are WKB.</summary>
    public static bool IsLeaf(string[] path) => path is ["assets", _, Member];

    /// <summary>Decodes the WKB bytes kept for every asset's proj:geometry.</summary>
    /// <exception cref="Stac.StacFormatException">The bytes are not one WKB geometry.</exception>
    public static void Decode(JsonMap assets)
    {
        foreach (var asset in assets.Values)
        {
            if (asset is JsonMap map && map.Get(Member) is byte[] wkb)
            {
                map[Member] = Wkb.Decode(wkb);
            }
        }
    }
}
