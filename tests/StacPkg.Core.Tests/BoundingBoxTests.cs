using StacPkg.Core.GeoParquet;
using StacPkg.Core.Json;
using static StacPkg.Core.Tests.GeometryFixtures;

namespace StacPkg.Core.Tests;

public sealed class BoundingBoxTests
{
    [Fact]
    public void Default_is_empty_and_has_no_extent()
    {
        var box = default(BoundingBox);
        Assert.True(box.IsEmpty);
        Assert.Throws<InvalidOperationException>(() => box.ToArray());
        box.Extend(Map("""{"type":"GeometryCollection","geometries":[{"type":"Point","coordinates":[]},{"type":"MultiPolygon","coordinates":[]}]}"""));
        Assert.True(box.IsEmpty);
    }

    [Fact]
    public void Extends_over_every_position_of_every_geometry()
    {
        var box = default(BoundingBox);
        box.Extend(Map("""{"type":"Point","coordinates":[5,5]}"""));
        Assert.Equal(new[] { 5.0, 5, 5, 5 }, box.ToArray());
        box.Extend(Map("""{"type":"Polygon","coordinates":[[[0,1],[3,1],[3,7.5],[0,1]]]}"""));
        Assert.Equal(new[] { 0.0, 1, 5, 7.5 }, box.ToArray());
        box.Extend(Map("""{"type":"GeometryCollection","geometries":[{"type":"MultiLineString","coordinates":[[[-2,3],[1,2]],[[4,-6],[9,0]]]}]}"""));
        Assert.Equal(new[] { -2.0, -6, 9, 7.5 }, box.ToArray());
    }

    [Fact]
    public void Z_coordinates_make_a_six_number_box_in_GeoParquet_order()
    {
        var box = default(BoundingBox);
        box.Extend(Map("""{"type":"Point","coordinates":[5,5]}"""));
        box.Extend(Map("""{"type":"LineString","coordinates":[[1,2,-30],[3,4,250.5]]}"""));
        Assert.True(box.HasZ);
        // GeoParquet 1.1 "bbox": xmin, ymin, zmin, xmax, ymax, zmax; z spans the positions that have one.
        Assert.Equal(new[] { 1.0, 2, -30, 5, 5, 250.5 }, box.ToArray());
    }

    // Published bboxes are not always computed from the geometry (Landsat's differ by ~0.12°), so
    // every fixture is held to a loose bound and rustac's, computed from the geometry, exactly.
    [Theory]
    [MemberData(nameof(ItemFiles), MemberType = typeof(GeometryFixtures))]
    public void Fixture_geometry_extents_are_close_to_the_items_bbox(string file) => AssertExtentsMatchBbox(file, 0.2);

    [Theory]
    [InlineData("rustac/item-collection.json")]
    [InlineData("rustac/multi-polygons.json")]
    [InlineData("rustac/two-sentinel-2-items.json")]
    public void Fixture_geometry_extents_equal_a_bbox_computed_from_the_geometry(string file) => AssertExtentsMatchBbox(file, 0);

    private static void AssertExtentsMatchBbox(string file, double tolerance)
    {
        foreach (var item in Items(file))
        {
            var box = default(BoundingBox);
            box.Extend((JsonMap)item["geometry"]!);
            var bbox = ((List<object?>)item["bbox"]!).ConvertAll(Convert.ToDouble);
            var expected = bbox.Count == 6 ? new[] { bbox[0], bbox[1], bbox[3], bbox[4] } : bbox.ToArray();
            var actual = new[] { box.XMin, box.YMin, box.XMax, box.YMax };
            for (var i = 0; i < 4; i++)
            {
                Assert.True(Math.Abs(expected[i] - actual[i]) <= tolerance, $"{item["id"]}: bbox[{i}] is {expected[i]}, the geometry gives {actual[i]}");
            }
        }
    }
}
