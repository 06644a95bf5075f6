using StacPkg.Core.Json;
using StacPkg.Core.Stac;

namespace StacPkg.Core.GeoParquet;

/// <summary>
/// A running extent (x, y, and z where positions have it) of geometries, for the <c>bbox</c> of the
/// GeoParquet <c>geo</c> metadata. A mutable struct so that extending it per item costs no allocation: keep it in a local
/// or a non-readonly field. <c>default</c> is the empty box.
/// </summary>
public struct BoundingBox
{
    private bool _hasValue;

    /// <summary>True until a position has been added.</summary>
    public readonly bool IsEmpty => !_hasValue;

    public double XMin { readonly get; private set; }
    public double YMin { readonly get; private set; }
    public double XMax { readonly get; private set; }
    public double YMax { readonly get; private set; }

    /// <summary>Some position had a z coordinate; <see cref="ZMin"/> and <see cref="ZMax"/> span those that had one.</summary>
    public bool HasZ { readonly get; private set; }
    public double ZMin { readonly get; private set; }
    public double ZMax { readonly get; private set; }

    /// <summary>Grows the box to contain the point.</summary>
    public void Extend(double x, double y)
    {
        if (!_hasValue)
        {
            XMin = XMax = x;
            YMin = YMax = y;
            _hasValue = true;
            return;
        }
        if (x < XMin) XMin = x;
        if (x > XMax) XMax = x;
        if (y < YMin) YMin = y;
        if (y > YMax) YMax = y;
    }

    /// <summary>
    /// Grows the box to contain every position of a geometry (members of a GeometryCollection too).
    /// Empty geometries add nothing. Expects a geometry that passed <see cref="GeoJsonGeometry.Validate"/>.
    /// </summary>
    /// <exception cref="StacFormatException">A position's x or y is not a number.</exception>
    public void Extend(JsonMap geometry)
    {
        if (geometry.Get("type") is "GeometryCollection")
        {
            if (geometry.Get("geometries") is List<object?> members)
            {
                foreach (var member in members)
                {
                    if (member is JsonMap map)
                    {
                        Extend(map);
                    }
                }
            }
            return;
        }
        ExtendCoordinates(geometry.Get("coordinates"));
    }

    /// <summary>Grows the z range to contain <paramref name="z"/>.</summary>
    public void ExtendZ(double z)
    {
        if (!HasZ)
        {
            ZMin = ZMax = z;
            HasZ = true;
            return;
        }
        if (z < ZMin) ZMin = z;
        if (z > ZMax) ZMax = z;
    }

    /// <summary>
    /// The GeoParquet bbox: [xmin, ymin, xmax, ymax], or [xmin, ymin, zmin, xmax, ymax, zmax] when
    /// some position had z (GeoParquet 1.1, "bbox").
    /// </summary>
    /// <exception cref="InvalidOperationException">The box is empty.</exception>
    public readonly double[] ToArray() =>
        !_hasValue ? throw new InvalidOperationException("an empty bounding box has no extent")
        : HasZ ? [XMin, YMin, ZMin, XMax, YMax, ZMax]
        : [XMin, YMin, XMax, YMax];

    // The nesting depth is implied by the type, but walking until a list of numbers is found serves every type.
    private void ExtendCoordinates(object? coordinates)
    {
        if (coordinates is not List<object?> list || list.Count == 0)
        {
            return;
        }
        if (list[0] is List<object?>)
        {
            foreach (var child in list)
            {
                ExtendCoordinates(child);
            }
            return;
        }
        if (list.Count < 2
            || !GeoJsonGeometry.TryGetCoordinate(list[0], out var x)
            || !GeoJsonGeometry.TryGetCoordinate(list[1], out var y))
        {
            throw new StacFormatException("geometry: a position does not start with two numbers");
        }
        Extend(x, y);
        if (list.Count > 2 && GeoJsonGeometry.TryGetCoordinate(list[2], out var z))
        {
            ExtendZ(z);
        }
    }
}
