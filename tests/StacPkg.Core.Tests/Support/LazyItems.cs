using System.Text;
using StacPkg.Core.Json;
using StacPkg.Core.Stac;
using StacPkg.Core.Tests.GeoParquet;

namespace StacPkg.Core.Tests.Support;

/// <summary>
/// Items that are still their record, as a reader that builds records makes them, beside the same
/// Items built as objects: the sets every lazy-versus-eager comparison runs over.
/// </summary>
internal static class LazyItems
{
    /// <summary>The Item as its record, untouched.</summary>
    public static StacItem Of(StacItem item) =>
        new(StacItemRecord.FromItem(item), item.Id, item.Collection) { StacCollection = item.StacCollection };

    public const string Generated = "generated";
    public const string Awkward = "awkward";

    /// <summary>Every JSON Item fixture, a generated set, and Items with awkward values.</summary>
    public static TheoryData<string> SetNames() => new(Fixtures.ItemFiles().Append(Generated).Append(Awkward));

    /// <summary>The Items of a set built as objects, as the eager path parses them.</summary>
    public static List<StacItem> Eager(string set) => set switch
    {
        Generated => StatisticsTruthTests.GenerateItems(600).Select(Parse).ToList(),
        Awkward => AwkwardJson.Select(Parse).ToList(),
        _ => Fixtures.LoadItems(set),
    };

    public static StacItem Parse(string json) => StacItem.FromJson((JsonMap)JsonValueReader.Parse(Encoding.UTF8.GetBytes(json))!);

    /// <summary>
    /// Escapes, non-ASCII text and keys, extreme numbers, -0, nested and empty containers, nulls at every depth.
    /// The empty key sits below a property: a property named "" has no column and is refused by the GeoParquet writer.
    /// </summary>
    private static readonly string[] AwkwardJson =
    [
        """
        {"type":"Feature","stac_version":"1.1.0","stac_extensions":["https://x.example/v1.0.0/schema.json"],"id":"awk\"ward é \ud83d\ude00",
         "geometry":{"type":"Point","coordinates":[-0.0,1e-7]},"bbox":[-0.0,5e-324,1.7976931348623157e308,2],
         "properties":{"datetime":"2024-01-01T00:00:00.123456789+02:00","big":9223372036854775807,"small":-9223372036854775808,
           "over":9223372036854775808,"neg0":-0,"negz":-0.0,"tiny":5e-324,"huge":-1.7976931348623157e308,"e":1E+300,"frac":0.1,
           "third":0.333333333333333314829616256247390992939472198486328125,"two":2.0,"exp":12.5e-3,
           "text":"quote\" backslash\\ slash\/ tab\t nl\n cr\r bs\b ff\f nul\u0000 ctl\u001f del\u007f html<>&' plus+ nbsp\u00a0 ls\u2028 ps\u2029 bom\ufeff emoji\ud83d\ude00 cjk\u4e2d e\u0301 lone€",
           "k\"ey\\/\u00fc\ud83d\ude00\n":"v","empty_key":{"":"empty key"},"nested":[[[1,[2,[]]],{}],{"a":{"b":[null,true,false,{"c":null,"d":[null]}]}}],
           "nul":null,"empty":{},"none":[]},
         "links":[{"rel":"self","href":"https://ex.example/ä?x=1&y=\u00e9","title":"t\u00e9","extra":null}],
         "assets":{"d\u00e4ta":{"href":"./x y.tif","roles":["data"],"file:size":123,"eo:bands":[{"name":"b","center_wavelength":0.665,"gsd":null}]},
                   "meta":{"href":"s3://b/k","type":null,"title":"","description":"d","roles":[]}},
         "collection":"c\u00f6ll","x_extra":{"deep":[1.5,-2.25e-10,null,{"n":null}]},"x_null":null}
        """,
        """
        {"type":"Feature","stac_version":"1.0.0","id":"range","geometry":null,
         "properties":{"datetime":null,"start_datetime":"2020-01-01T00:00:00Z","end_datetime":"2020-12-31T23:59:59.999Z","proj:epsg":null},
         "links":[],"assets":{}}
        """,
    ];
}
