using StacPkg.Core.Json;
using StacPkg.Core.Stac;
using static StacPkg.Core.Tests.GeometryFixtures;

namespace StacPkg.Core.Tests;

public sealed class GeoJsonGeometryTests
{
    [Theory]
    [InlineData("""{"type":"Point","coordinates":[1,2]}""")]
    [InlineData("""{"type":"Point","coordinates":[1.5,-2.25,100]}""")]
    [InlineData("""{"type":"Point","coordinates":[]}""")]
    [InlineData("""{"type":"MultiPoint","coordinates":[[1,2],[3,4]]}""")]
    [InlineData("""{"type":"MultiPoint","coordinates":[]}""")]
    [InlineData("""{"type":"LineString","coordinates":[[1,2],[3,4]]}""")]
    [InlineData("""{"type":"LineString","coordinates":[[1,2,3],[3,4,5],[5,6,7]]}""")]
    [InlineData("""{"type":"MultiLineString","coordinates":[[[1,2],[3,4]],[[5,6],[7,8]]]}""")]
    [InlineData("""{"type":"Polygon","coordinates":[[[0,0],[1,0],[1,1],[0,0]]]}""")]
    [InlineData("""{"type":"Polygon","coordinates":[[[0,0],[10,0],[10,10],[0,0]],[[1,1],[2,1],[2,2],[1.0,1.0]]]}""")]
    [InlineData("""{"type":"Polygon","coordinates":[]}""")]
    [InlineData("""{"type":"MultiPolygon","coordinates":[[[[0,0,1],[1,0,1],[1,1,1],[0,0,1]]]]}""")]
    [InlineData("""{"type":"MultiPolygon","coordinates":[]}""")]
    [InlineData("""{"type":"GeometryCollection","geometries":[]}""")]
    [InlineData("""{"type":"GeometryCollection","geometries":[{"type":"Point","coordinates":[1,2]},{"type":"GeometryCollection","geometries":[{"type":"LineString","coordinates":[[1,2],[3,4]]}]}]}""")]
    [InlineData("""{"type":"Polygon","bbox":[0,0,1,1],"coordinates":[[[0,0],[1,0],[1,1],[0,0]]],"foreign":{"x":1}}""")]
    public void Valid_geometries_are_returned_unchanged(string json)
    {
        var geometry = Map(json);
        var text = geometry.ToString();
        Assert.Same(geometry, GeoJsonGeometry.Validate(geometry));
        Assert.Equal(text, geometry.ToString());
    }

    [Theory]
    [InlineData("""{"type":"Polygon","coordinates":[[[0,0],[1,0],[1,1],[0,0]],[[0,0],[1,0],[1,1],[0,1]]]}""", "geometry: ring [1] of Polygon is not closed")]
    [InlineData("""{"type":"MultiPolygon","coordinates":[[[[0,0],[1,0],[1,1],[0,0]]],[[[0,0],[1,0],[1,1],[0,0.5]]]]}""", "geometry: ring [0] of polygon [1] of MultiPolygon is not closed")]
    [InlineData("""{"type":"Polygon","coordinates":[[[0,0],[1,0],[0,0]]]}""", "geometry: ring [0] of Polygon has 3 positions, at least 4 are needed")]
    [InlineData("""{"type":"Polygon","coordinates":[[0,0],[1,0],[1,1],[0,0]]}""", "ring [0] of Polygon holds numbers where arrays belong: coordinates are nested too shallow")]
    [InlineData("""{"type":"LineString","coordinates":[[[0,0],[1,0]],[[1,1],[0,0]]]}""", "position [0] of LineString holds an array where a number belongs: coordinates are nested too deep")]
    [InlineData("""{"type":"Point","coordinates":[[1,2]]}""", "position of Point has 1 coordinate")]
    [InlineData("""{"type":"MultiPoint","coordinates":[1,2]}""", "position [0] of MultiPoint is a number where an array belongs")]
    [InlineData("""{"type":"Curve","coordinates":[1,2]}""", "geometry: unknown type 'Curve'")]
    [InlineData("""{"coordinates":[1,2]}""", "geometry: it has no type")]
    [InlineData("""{"type":7,"coordinates":[1,2]}""", "geometry: type is not a string")]
    [InlineData("""{"type":"Point"}""", "geometry: Point has no coordinates array")]
    [InlineData("""{"type":"Point","coordinates":"1,2"}""", "geometry: Point has no coordinates array")]
    [InlineData("""{"type":"LineString","coordinates":[["1","2"],["3","4"]]}""", "position [0] of LineString has a coordinate that is not a number (string \"1\")")]
    [InlineData("""{"type":"LineString","coordinates":[[1,2],[3,null]]}""", "position [1] of LineString has a coordinate that is not a number (null)")]
    [InlineData("""{"type":"LineString","coordinates":[[1,2],[3,4],[5,6],[7]]}""", "geometry: position [3] of LineString has 1 coordinate, expected 2 or 3")]
    [InlineData("""{"type":"LineString","coordinates":[[1,2]]}""", "geometry: LineString has 1 position, at least 2 are needed")]
    [InlineData("""{"type":"MultiLineString","coordinates":[[[1,2],[3,4]],[[1,2]]]}""", "geometry: line [1] of MultiLineString has 1 position")]
    [InlineData("""{"type":"Point","coordinates":[1,2,3,4]}""", "position of Point has 4 coordinates, expected 2 or 3")]
    [InlineData("""{"type":"LineString","coordinates":[[1,2],[3,4,5]]}""", "position [1] of LineString has 3 coordinates where the geometry's first position has 2")]
    [InlineData("""{"type":"GeometryCollection","geometries":[{"type":"Point","coordinates":[1,2,3]},{"type":"Point","coordinates":[1,2]}]}""", "member [1] of GeometryCollection: position of Point has 2 coordinates where the geometry's first position has 3")]
    [InlineData("""{"type":"GeometryCollection","geometries":[{"type":"GeometryCollection","geometries":[{"type":"Polygon","coordinates":[[[0,0],[1,0],[1,1],[2,2]]]}]}]}""", "geometry: member [0] of GeometryCollection: member [0] of GeometryCollection: ring [0] of Polygon is not closed")]
    [InlineData("""{"type":"GeometryCollection","coordinates":[]}""", "geometry: GeometryCollection has no geometries array")]
    [InlineData("""{"type":"GeometryCollection","geometries":[[1,2]]}""", "geometry: member [0] of GeometryCollection is not a geometry object")]
    public void Invalid_geometries_are_refused_with_the_reason(string json, string reason)
    {
        var ex = Assert.Throws<StacFormatException>(() => GeoJsonGeometry.Validate(Map(json)));
        Assert.Contains(reason, ex.Reason);
        Assert.StartsWith("geometry: ", ex.Reason);
    }

    [Fact]
    public void Non_finite_coordinates_are_refused()
    {
        var geometry = new JsonMap { ["type"] = "Point", ["coordinates"] = new List<object?> { double.NaN, 1.0 } };
        var ex = Assert.Throws<StacFormatException>(() => GeoJsonGeometry.Validate(geometry));
        Assert.Contains("not finite", ex.Reason);
    }

    [Fact]
    public void Collections_nested_beyond_the_limit_are_refused()
    {
        var geometry = new JsonMap { ["type"] = "Point", ["coordinates"] = new List<object?> { 1L, 2L } };
        for (var i = 0; i < 100; i++)
        {
            geometry = new JsonMap { ["type"] = "GeometryCollection", ["geometries"] = new List<object?> { geometry } };
        }
        var ex = Assert.Throws<StacFormatException>(() => GeoJsonGeometry.Validate(geometry));
        Assert.Contains("nested deeper than", ex.Reason);
    }

    [Theory]
    [MemberData(nameof(ItemFiles), MemberType = typeof(GeometryFixtures))]
    public void Fixture_geometries_are_valid(string file)
    {
        foreach (var item in Items(file))
        {
            GeoJsonGeometry.Validate((JsonMap)item["geometry"]!);
        }
    }

    [Fact]
    public void Items_with_an_invalid_geometry_are_refused_with_the_geometry_reason()
    {
        var item = Map("""
            {"type":"Feature","stac_version":"1.1.0","id":"x","properties":{"datetime":"2020-01-01T00:00:00Z"},
             "geometry":{"type":"Polygon","coordinates":[[[0,0],[1,0],[1,1],[0,1]]]},"links":[],"assets":{}}
            """);
        var ex = Assert.Throws<StacFormatException>(() => StacItem.FromJson(item));
        Assert.Equal("geometry: ring [0] of Polygon is not closed: its first and last positions differ", ex.Reason);
        Assert.Equal("x", ex.ItemId);
    }
}
