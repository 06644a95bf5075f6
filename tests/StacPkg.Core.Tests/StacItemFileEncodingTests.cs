using System.IO.Compression;
using System.Text;
using StacPkg.Core.Stac;

namespace StacPkg.Core.Tests;

/// <summary>Item files in the wrong encoding or compression: the error names the file and says what is wrong with it.</summary>
public sealed class StacItemFileEncodingTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("stacpkg-encoding-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static async Task<StacFormatException> ReadFailureAsync(string path) =>
        await Assert.ThrowsAsync<StacFormatException>(async () =>
        {
            await foreach (var _ in StacItemFile.ReadAsync(path, CancellationToken.None))
            {
            }
        });

    [Theory]
    [InlineData("le-bom.json", "utf-16", true, "UTF-16 (little-endian)")]
    [InlineData("le.ndjson", "utf-16", false, "UTF-16 (little-endian)")]
    [InlineData("be-bom.json", "utf-16BE", true, "UTF-16 (big-endian)")]
    [InlineData("be.json.gz", "utf-16BE", false, "UTF-16 (big-endian)")]
    public async Task Utf16_json_is_named_as_such(string name, string encodingName, bool bom, string said)
    {
        var encoding = Encoding.GetEncoding(encodingName);
        var text = encoding.GetBytes(StacJsonStreamTests.Item("a") + "\n");
        var bytes = bom ? [.. encoding.GetPreamble(), .. text] : text;
        var path = Path.Combine(_dir, name);
        if (name.EndsWith(".gz", StringComparison.Ordinal))
        {
            await using var gzip = new GZipStream(File.Create(path), CompressionLevel.Optimal);
            await gzip.WriteAsync(bytes);
        }
        else
        {
            await File.WriteAllBytesAsync(path, bytes);
        }

        var error = await ReadFailureAsync(path);

        Assert.StartsWith($"{path}: the file is {said} text, but JSON files must be UTF-8", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_gz_file_that_is_not_gzip_is_named_as_such()
    {
        var path = Path.Combine(_dir, "items.ndjson.gz");
        await File.WriteAllTextAsync(path, StacJsonStreamTests.Item("a") + "\n");

        var error = await ReadFailureAsync(path);

        Assert.StartsWith($"{path}: the file ends in .gz but is not gzip-compressed", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Damaged_gzip_data_is_named_as_such()
    {
        var path = Path.Combine(_dir, "damaged.json.gz");
        // The gzip signature and deflate method, then a block type deflate does not have.
        await File.WriteAllBytesAsync(path, [0x1F, 0x8B, 0x08, 0, 0, 0, 0, 0, 0, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF]);

        var error = await ReadFailureAsync(path);

        Assert.StartsWith($"{path}: the gzip data is damaged", error.Message, StringComparison.Ordinal);
    }
}
