using System.Text;
using StacPkg.Core.GeoParquet;
using StacPkg.Core.Json;
using StacPkg.Core.Stac;
using StacPkg.Core.Tests.Support;

namespace StacPkg.Core.Tests.GeoParquet;

/// <summary>
/// JSON allows a member named "": such a name was written into a column path that no reader could
/// find, so the file we had just written was reported as damaged when read.
/// </summary>
public sealed class EmptyNameTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("stacpkg-empty-name-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static StacItem Item(string id, string extra) => StacItem.FromJson((JsonMap)JsonValueReader.Parse(Encoding.UTF8.GetBytes(
        "{\"type\":\"Feature\",\"stac_version\":\"1.1.0\",\"id\":\"" + id + "\",\"geometry\":null," +
        "\"properties\":{\"datetime\":\"2024-01-01T00:00:00Z\"},\"links\":[],\"assets\":{\"data\":{\"href\":\"a.tif\"}}" + extra + "}"))!);

    private static async Task<List<StacItem>> ReadAsync(string path)
    {
        var items = new List<StacItem>();
        await foreach (var item in GeoParquetItemReader.ReadAsync(path, default))
        {
            items.Add(item);
        }
        return items;
    }

    [Theory]
    [InlineData("an asset key", ""","assets":{"":{"href":"b.tif"},"data":{"href":"a.tif","":1}}""")]
    [InlineData("an asset field", ""","assets":{"data":{"href":"a.tif","":"x"}}""")]
    [InlineData("a link field", ""","links":[{"rel":"self","href":"s.json","":true}]""")]
    [InlineData("a nested property field", ""","properties":{"datetime":"2024-01-01T00:00:00Z","o":{"":1,"b":[{"":2}]}}""")]
    public async Task An_empty_name_below_a_column_is_written_and_read_back(string where, string extra)
    {
        var items = new[] { Item("plain", ""), Item("odd", extra) };
        var path = Path.Combine(_dir, "items.parquet");
        await using (var writer = new GeoParquetItemWriter(path))
        {
            foreach (var item in items)
            {
                await writer.WriteAsync(item, default);
            }
            await writer.CompleteAsync(default);
        }

        var written = items.Select(i => StacItemJson.Serialize(i, false)).ToList();
        var read = (await ReadAsync(path)).Select(i => StacItemJson.Serialize(i, false)).ToList();
        Assert.True(written.SequenceEqual(read), $"{where}: read back {string.Join("\n", read)}");
        if (DuckDb.UnavailableReason is null)
        {
            Assert.Equal(2, DuckDb.Scalar($"SELECT count(*) FROM read_parquet({DuckDb.Literal(path)})").GetInt64());
        }
    }

    [Theory]
    [InlineData(""","properties":{"datetime":"2024-01-01T00:00:00Z","":1}""", "a property has an empty name")]
    [InlineData(""","":5""", "a top-level field has an empty name")]
    public async Task An_Item_whose_column_would_have_no_name_is_refused_and_the_others_are_written(string extra, string reason)
    {
        var path = Path.Combine(_dir, "items.parquet");
        await using (var writer = new GeoParquetItemWriter(path))
        {
            await writer.WriteAsync(Item("before", ""), default);
            var error = await Assert.ThrowsAsync<StacFormatException>(() => writer.WriteAsync(Item("odd", extra), default).AsTask());
            Assert.Equal("odd", error.ItemId);
            Assert.Contains(reason, error.Message, StringComparison.Ordinal);
            await writer.WriteAsync(Item("after", ""), default);
            await writer.CompleteAsync(default);
        }

        Assert.Equal(["before", "after"], (await ReadAsync(path)).Select(i => i.Id));
    }
}
