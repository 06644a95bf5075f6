using StacPkg.Core.Json;

namespace StacPkg.Core.Stac;

/// <summary>Checks of GeoJSON geometry objects (RFC 7946).</summary>
public static class GeoJsonGeometry
{
    /// <summary>Returns the geometry when it is valid GeoJSON, else throws naming what is wrong.</summary>
    public static JsonMap Validate(JsonMap geometry)
    {
        // TODO(wkb helper): full validation.
        if (geometry.Get("type") is not string)
        {
            throw new StacFormatException("geometry has no type");
        }
        return geometry;
    }
}
