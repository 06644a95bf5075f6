using StacPkg.Core.GeoParquet;
using StacPkg.Core.Json;
using StacPkg.Core.Stac;
using static StacPkg.Core.Tests.GeometryFixtures;

namespace StacPkg.Core.Tests;

public sealed class WkbTests
{
    // Expected bytes below were produced independently (Python struct.pack of the WKB layout).

    [Theory]
    [InlineData("""{"type":"Point","coordinates":[1,2]}""", "0101000000000000000000F03F0000000000000040")]
    [InlineData("""{"type":"Point","coordinates":[1.0,2.0,3.0]}""", "01E9030000000000000000F03F00000000000000400000000000000840")]
    [InlineData("""{"type":"Polygon","coordinates":[[[0,0],[1,0],[1,1],[0,0]]]}""",
        "0103000000010000000400000000000000000000000000000000000000000000000000F03F0000000000000000000000000000F03F000000000000F03F00000000000000000000000000000000")]
    [InlineData("""{"type":"Point","coordinates":[]}""", "0101000000000000000000F87F000000000000F87F")]
    public void Encodes_known_little_endian_iso_wkb(string json, string hex)
    {
        Assert.Equal(hex, Convert.ToHexString(Wkb.Encode(Map(json))));
    }

    [Theory]
    [InlineData("00000000013FF00000000000004000000000000000", """{"type":"Point","coordinates":[1,2]}""")]
    [InlineData("0000000002000000023FF0000000000000400000000000000040080000000000004010000000000000", """{"type":"LineString","coordinates":[[1,2],[3,4]]}""")]
    [InlineData("01010000A0E6100000000000000000F03F00000000000000400000000000000840", """{"type":"Point","coordinates":[1,2,3]}""")]
    [InlineData("01B90B0000000000000000F03F000000000000004000000000000008400000000000001040", """{"type":"Point","coordinates":[1,2,3]}""")]
    [InlineData("01D207000002000000000000000000F03F00000000000000400000000000002240000000000000084000000000000010400000000000002240", """{"type":"LineString","coordinates":[[1,2],[3,4]]}""")]
    [InlineData("0040000002000000023FF000000000000040000000000000004022000000000000400800000000000040100000000000004022000000000000", """{"type":"LineString","coordinates":[[1,2],[3,4]]}""")]
    [InlineData("010700000001000000000000000400000001010100000000000000000014400000000000001840", """{"type":"GeometryCollection","geometries":[{"type":"MultiPoint","coordinates":[[5,6]]}]}""")]
    [InlineData("0101000000000000000000F87F000000000000F87F", """{"type":"Point","coordinates":[]}""")]
    public void Decodes_other_byte_orders_and_type_code_styles(string hex, string expectedJson)
    {
        // Big endian, EWKB Z + SRID, ISO ZM, ISO M, EWKB M, mixed byte orders per member, POINT EMPTY.
        AssertSameGeometry(Map(expectedJson), Wkb.Decode(Convert.FromHexString(hex)));
    }

    /// <summary>Every type, 2D and Z, nested collections and empty geometries, with its geometry_types name.</summary>
    public static TheoryData<string, string> AllShapes() => new()
    {
        { """{"type":"Point","coordinates":[-122.5,37.75]}""", "Point" },
        { """{"type":"Point","coordinates":[-122.5,37.75,12.5]}""", "Point Z" },
        { """{"type":"MultiPoint","coordinates":[[1,2],[3.5,-4]]}""", "MultiPoint" },
        { """{"type":"MultiPoint","coordinates":[[1,2,3],[3.5,-4,0]]}""", "MultiPoint Z" },
        { """{"type":"LineString","coordinates":[[1,2],[3,4],[5e-7,6e300]]}""", "LineString" },
        { """{"type":"LineString","coordinates":[[1,2,3],[3,4,5]]}""", "LineString Z" },
        { """{"type":"MultiLineString","coordinates":[[[1,2],[3,4]],[[5,6],[7,8],[9,10]]]}""", "MultiLineString" },
        { """{"type":"MultiLineString","coordinates":[[[1,2,0],[3,4,0]]]}""", "MultiLineString Z" },
        { """{"type":"Polygon","coordinates":[[[0,0],[10,0],[10,10],[0,10],[0,0]],[[1,1],[2,1],[2,2],[1,1]]]}""", "Polygon" },
        { """{"type":"Polygon","coordinates":[[[0,0,5],[10,0,5],[10,10,5],[0,0,5]]]}""", "Polygon Z" },
        { """{"type":"MultiPolygon","coordinates":[[[[0,0],[1,0],[1,1],[0,0]]],[[[5,5],[6,5],[6,6],[5,5]],[[5.1,5.1],[5.2,5.1],[5.2,5.2],[5.1,5.1]]]]}""", "MultiPolygon" },
        { """{"type":"MultiPolygon","coordinates":[[[[0,0,1],[1,0,2],[1,1,3],[0,0,1]]]]}""", "MultiPolygon Z" },
        { """{"type":"GeometryCollection","geometries":[{"type":"Point","coordinates":[1,2]},{"type":"MultiPolygon","coordinates":[[[[0,0],[1,0],[1,1],[0,0]]],[[[5,5],[6,5],[6,6],[5,5]]]]}]}""", "GeometryCollection" },
        { """{"type":"GeometryCollection","geometries":[{"type":"LineString","coordinates":[[1,2,3],[4,5,6]]},{"type":"GeometryCollection","geometries":[{"type":"Point","coordinates":[7,8,9]}]}]}""", "GeometryCollection Z" },
        { """{"type":"GeometryCollection","geometries":[{"type":"Point","coordinates":[]},{"type":"Polygon","coordinates":[[[0,0,5],[1,0,5],[1,1,5],[0,0,5]]]}]}""", "GeometryCollection Z" },
        { """{"type":"GeometryCollection","geometries":[]}""", "GeometryCollection" },
        { """{"type":"MultiPolygon","coordinates":[]}""", "MultiPolygon" },
        { """{"type":"MultiPoint","coordinates":[]}""", "MultiPoint" },
        { """{"type":"LineString","coordinates":[]}""", "LineString" },
        { """{"type":"Polygon","coordinates":[]}""", "Polygon" },
        { """{"type":"Point","coordinates":[]}""", "Point" },
    };

    [Theory]
    [MemberData(nameof(AllShapes))]
    public void Every_geometry_type_round_trips(string json, string typeName)
    {
        var geometry = GeoJsonGeometry.Validate(Map(json));
        var decoded = Wkb.Decode(Wkb.Encode(geometry));
        AssertSameGeometry(geometry, decoded);
        Assert.Same(decoded, GeoJsonGeometry.Validate(decoded));
        Assert.Equal(typeName, Wkb.GeometryTypeName(decoded));
    }

    [Theory]
    [MemberData(nameof(AllShapes))]
    public void Encoding_uses_the_iso_type_code_of_the_dimension(string json, string typeName)
    {
        var geometry = Map(json);
        Assert.Equal(typeName, Wkb.GeometryTypeName(geometry));
        var wkb = Wkb.Encode(geometry);
        Assert.Equal(1, wkb[0]);
        var is3D = typeName.EndsWith(" Z", StringComparison.Ordinal);
        var baseCode = Array.IndexOf(["", "Point", "LineString", "Polygon", "MultiPoint", "MultiLineString", "MultiPolygon", "GeometryCollection"], (string)geometry["type"]!);
        Assert.Equal((uint)(baseCode + (is3D ? 1000 : 0)), BitConverter.ToUInt32(wkb, 1));
    }

    [Fact]
    public void An_empty_point_is_written_as_nan_and_read_back_as_empty()
    {
        var wkb = Wkb.Encode(Map("""{"type":"Point","coordinates":[]}"""));
        Assert.Equal(21, wkb.Length);
        Assert.True(double.IsNaN(BitConverter.ToDouble(wkb, 5)));
        Assert.True(double.IsNaN(BitConverter.ToDouble(wkb, 13)));
        Assert.Empty(Assert.IsType<List<object?>>(Wkb.Decode(wkb)["coordinates"]));
    }

    [Fact]
    public void An_empty_point_inside_a_multipoint_is_dropped_on_decode()
    {
        // MULTIPOINT((1 2), EMPTY): GeoJSON has no empty position.
        var wkb = Convert.FromHexString("0104000000020000000101000000000000000000F03F0000000000000040"
            + "0101000000000000000000F87F000000000000F87F");
        AssertSameGeometry(Map("""{"type":"MultiPoint","coordinates":[[1,2]]}"""), Wkb.Decode(wkb));
    }

    [Theory]
    [MemberData(nameof(ItemFiles), MemberType = typeof(GeometryFixtures))]
    public void Fixture_geometries_round_trip(string file)
    {
        foreach (var item in Items(file))
        {
            var geometry = (JsonMap)item["geometry"]!;
            var decoded = Wkb.Decode(Wkb.Encode(geometry));
            AssertSameGeometry(geometry, decoded);
            Assert.Equal(Wkb.GeometryTypeName(geometry), Wkb.GeometryTypeName(decoded));
        }
    }

    [Fact]
    public void Every_truncation_of_a_valid_wkb_is_refused()
    {
        var wkb = Wkb.Encode(Map("""{"type":"GeometryCollection","geometries":[{"type":"Point","coordinates":[1,2]},{"type":"MultiPolygon","coordinates":[[[[0,0],[1,0],[1,1],[0,0]]]]}]}"""));
        for (var length = 0; length < wkb.Length; length++)
        {
            var ex = Assert.Throws<StacFormatException>(() => Wkb.Decode(wkb.AsSpan(0, length)));
            Assert.StartsWith("geometry WKB: ", ex.Reason);
        }
    }

    [Theory]
    [InlineData("0109000000", "unknown geometry type code 9 at offset 0")]
    [InlineData("01A50F0000", "unknown geometry type code 4005 at offset 0")]
    [InlineData("0201000000000000000000F03F0000000000000040", "byte order flag at offset 0 is 2")]
    [InlineData("0101000000000000000000F03F000000000000004000", "1 bytes follow the end of the geometry at offset 21")]
    [InlineData("0106000000010000000101000000000000000000F03F0000000000000040", "MultiPolygon member at offset 9 is a Point")]
    [InlineData("0102000000FFFFFFFF", "count 4294967295 at offset 5 exceeds the 0 bytes left")]
    [InlineData("010700000001000000010300000001000000", "count 1 at offset 14 exceeds the 0 bytes left")]
    public void Malformed_wkb_is_refused_with_the_reason(string hex, string reason)
    {
        var ex = Assert.Throws<StacFormatException>(() => Wkb.Decode(Convert.FromHexString(hex)));
        Assert.Contains(reason, ex.Reason);
    }

    [Fact]
    public void Collections_nested_beyond_the_limit_are_refused_on_decode()
    {
        var hex = string.Concat(Enumerable.Repeat("010700000001000000", 100)) + "0101000000000000000000F03F0000000000000040";
        var ex = Assert.Throws<StacFormatException>(() => Wkb.Decode(Convert.FromHexString(hex)));
        Assert.Contains("nested deeper than", ex.Reason);
    }

    [Theory]
    [InlineData("""{"type":"LineString","coordinates":[["1","2"],["3","4"]]}""", "not a number")]
    [InlineData("""{"type":"Polygon","coordinates":[[0,0],[1,0],[1,1],[0,0]]}""", "nested too shallow")]
    [InlineData("""{"type":"LineString","coordinates":[[1,2],[3,4,5]]}""", "where the geometry's first position has 2")]
    [InlineData("""{"type":"Point","coordinates":[1,2,3,4]}""", "has 4 coordinates, expected 2 or 3")]
    [InlineData("""{"type":"Surface","coordinates":[1,2]}""", "unknown type 'Surface'")]
    [InlineData("""{"type":"GeometryCollection","geometries":[{"type":"Point","coordinates":[1,2]}, 5]}""", "member [1] of GeometryCollection is not a geometry object")]
    public void Encoding_an_invalid_geometry_fails_with_the_validation_reason(string json, string reason)
    {
        var ex = Assert.Throws<StacFormatException>(() => Wkb.Encode(Map(json)));
        Assert.Contains(reason, ex.Reason);
    }

    [Fact]
    public void Type_name_of_an_unknown_type_is_refused()
    {
        Assert.Throws<StacFormatException>(() => Wkb.GeometryTypeName(Map("""{"type":"Circle","coordinates":[1,2]}""")));
        Assert.Throws<StacFormatException>(() => Wkb.GeometryTypeName(Map("""{"coordinates":[1,2]}""")));
    }
}
