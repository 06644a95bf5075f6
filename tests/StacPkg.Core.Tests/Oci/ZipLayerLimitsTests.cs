using System.IO.Compression;
using StacPkg.Core.Oci;

namespace StacPkg.Core.Tests.Oci;

/// <summary>A zip layer expands only to the files its lock names, at most their locked sizes: a zip bomb is refused early.</summary>
public sealed class ZipLayerLimitsTests : IDisposable
{
    private const string Entry = "assets/scene-1/data.bin";

    private readonly string _dir = Directory.CreateTempSubdirectory("stacpkg-zip-limits-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    /// <summary>A zip of one entry of <paramref name="zeros"/> zero bytes, deflated (a few KB per 10 MB).</summary>
    private string Bomb(string name, long zeros, string entry = Entry)
    {
        var path = Path.Combine(_dir, name);
        using var archive = ZipFile.Open(path, ZipArchiveMode.Create);
        using var stream = archive.CreateEntry(entry, CompressionLevel.Optimal).Open();
        var block = new byte[1 << 20];
        for (long left = zeros; left > 0; left -= block.Length)
        {
            stream.Write(block, 0, (int)Math.Min(block.Length, left));
        }
        return path;
    }

    private async Task<(OciException Error, string Root)> ExtractAsync(string zip, Dictionary<string, long?> locked)
    {
        var root = Directory.CreateDirectory(Path.Combine(_dir, $"root-{Guid.NewGuid():N}")).FullName;
        var error = await Assert.ThrowsAsync<OciException>(() => ZipLayer.ExtractAsync(zip, root, "assets.0000.zip", new HashSet<string>(), locked, CancellationToken.None));
        Assert.Equal(OciErrorKind.InvalidArtifact, error.Kind);
        return (error, root);
    }

    private static long BytesUnder(string root) =>
        Directory.EnumerateFiles(root, "*", SearchOption.AllDirectories).Sum(f => new FileInfo(f).Length);

    [Fact]
    public async Task An_entry_larger_than_its_locked_size_is_refused()
    {
        var zip = Bomb("bomb.zip", 50L << 20);
        Assert.True(new FileInfo(zip).Length < 1 << 20);
        var (error, root) = await ExtractAsync(zip, new() { [Entry] = 10 });
        Assert.Contains($"'{Entry}' expands beyond 10 bytes, the size its lock row declares", error.Message);
        Assert.True(BytesUnder(root) <= 11);
    }

    [Fact]
    public async Task Without_a_locked_size_a_layer_expands_to_at_most_a_bounded_multiple_of_its_size()
    {
        var zip = Bomb("unsized.zip", 80L << 20);
        var (error, root) = await ExtractAsync(zip, new() { [Entry] = null });
        Assert.Contains("may expand to in all", error.Message);
        Assert.True(BytesUnder(root) <= (64L << 20) + 1);
    }

    [Fact]
    public async Task An_entry_the_lock_does_not_name_is_refused()
    {
        var zip = Bomb("stray.zip", 10, "assets/other/stray.bin");
        var (error, root) = await ExtractAsync(zip, new() { [Entry] = 10 });
        Assert.Contains("'assets/other/stray.bin' is not a bundled file the asset lock names", error.Message);
        Assert.Equal(0, BytesUnder(root));
    }

    [Fact]
    public async Task Entries_within_their_locked_sizes_extract()
    {
        var zip = Bomb("fine.zip", 3 << 20);
        var root = Directory.CreateDirectory(Path.Combine(_dir, "fine")).FullName;
        await ZipLayer.ExtractAsync(zip, root, "assets.0000.zip", new HashSet<string>(), new Dictionary<string, long?> { [Entry] = 3 << 20 }, CancellationToken.None);
        Assert.Equal(3L << 20, new FileInfo(Path.Combine(root, Entry)).Length);
    }
}
