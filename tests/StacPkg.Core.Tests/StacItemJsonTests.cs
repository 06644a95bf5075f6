using StacPkg.Core.Stac;
using StacPkg.Core.Tests.Support;

namespace StacPkg.Core.Tests;

/// <summary>An Item that is still its record is written as JSON without being built, as the same text as the Item built as objects.</summary>
public sealed class StacItemJsonTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("stacpkg-itemjson-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    public static TheoryData<string> Sets() => LazyItems.SetNames();

    [Theory]
    [MemberData(nameof(Sets))]
    public void Serialize_gives_a_record_the_text_of_its_objects_compact_and_indented(string set)
    {
        foreach (var item in LazyItems.Eager(set))
        {
            var lazy = LazyItems.Of(item);
            foreach (var indented in new[] { false, true })
            {
                Assert.Equal(StacItemJson.Serialize(item, indented), StacItemJson.Serialize(lazy, indented));
            }
            Assert.NotNull(lazy.Record);
        }
    }

    [Theory]
    [MemberData(nameof(Sets))]
    public async Task Ndjson_and_FeatureCollection_files_of_records_are_byte_identical_and_the_items_stay_records(string set)
    {
        var items = LazyItems.Eager(set);
        var lazy = items.Select(LazyItems.Of).ToList();
        foreach (var extension in new[] { ".ndjson", ".json", ".geojson", ".ndjson.gz" })
        {
            var eagerFile = Path.Combine(_dir, "eager" + extension);
            var lazyFile = Path.Combine(_dir, "lazy" + extension);
            await WriteAsync(eagerFile, items);
            await WriteAsync(lazyFile, lazy);
            Assert.True(File.ReadAllBytes(eagerFile).AsSpan().SequenceEqual(File.ReadAllBytes(lazyFile)), $"{set} {extension}: the files differ");
        }
        Assert.All(lazy, item => Assert.NotNull(item.Record));
    }

    [Fact]
    public void A_record_touched_by_a_script_is_written_with_the_change()
    {
        var lazy = LazyItems.Of(LazyItems.Eager(LazyItems.Awkward)[0]);

        lazy.Properties["x"] = 1L;

        Assert.Null(lazy.Record);
        Assert.Contains("\"x\":1}", StacItemJson.Serialize(lazy, indented: false));
    }

    private static async Task WriteAsync(string path, IEnumerable<StacItem> items)
    {
        await using var writer = StacItemFile.CreateWriter(path);
        foreach (var item in items)
        {
            await writer.WriteAsync(item, default);
        }
        await writer.CompleteAsync(default);
    }
}
