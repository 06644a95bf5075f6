using StacPkg.Core.Stores;

namespace StacPkg.Core.Tests;

public sealed class FileStoreTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("stacpkg-filestore-").FullName;
    private readonly FileStore _store;
    private static readonly CancellationToken None = CancellationToken.None;

    public FileStoreTests() => _store = new FileStore(new StoreOptions { BaseDirectory = _dir });

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static AssetLocation At(string key) => new("file", null, null, key);

    [Fact]
    public async Task HeadGivesSizeMtimeNginxStyleETagAndContentType()
    {
        var path = Path.Combine(_dir, "scene.tif");
        File.WriteAllBytes(path, new byte[300]);
        var mtime = new DateTime(2024, 5, 6, 7, 8, 9, DateTimeKind.Utc);
        File.SetLastWriteTimeUtc(path, mtime);

        var facts = await _store.HeadAsync(At(path), None);

        Assert.NotNull(facts);
        Assert.Equal(300, facts.SizeBytes);
        Assert.Equal(new DateTimeOffset(mtime), facts.LastModified);
        Assert.Equal($"\"{new DateTimeOffset(mtime).ToUnixTimeSeconds():x}-12c\"", facts.ETag);
        Assert.Equal("image/tiff", facts.ContentType);
    }

    [Fact]
    public async Task MissingFileHasNoFacts()
    {
        Assert.Null(await _store.HeadAsync(At("nope/missing.tif"), None));
        Assert.False(await _store.ExistsAsync(At("missing.tif"), None));
    }

    [Fact]
    public async Task RelativeKeysResolveAgainstTheBaseDirectory()
    {
        Directory.CreateDirectory(Path.Combine(_dir, "assets"));
        File.WriteAllBytes(Path.Combine(_dir, "assets", "a.json"), [1, 2, 3]);

        var facts = await _store.HeadAsync(At("assets/a.json"), None);

        Assert.Equal(3, facts?.SizeBytes);
        Assert.Equal("application/json", facts?.ContentType);
        Assert.Equal(Path.Combine(_dir, "assets", "a.json"), _store.FullPath(At("./assets/a.json")));
    }

    [Theory]
    [InlineData(0, null, 0, 256)]
    [InlineData(10, null, 10, 246)]
    [InlineData(10, 5L, 10, 5)]
    [InlineData(250, 100L, 250, 6)]
    public async Task RangedReads(long offset, long? length, int expectedStart, int expectedCount)
    {
        var bytes = Enumerable.Range(0, 256).Select(i => (byte)i).ToArray();
        File.WriteAllBytes(Path.Combine(_dir, "r.bin"), bytes);

        await using var stream = await _store.OpenReadAsync(At("r.bin"), offset, length, None);
        using var copy = new MemoryStream();
        await stream.CopyToAsync(copy);

        Assert.Equal(bytes.AsSpan(expectedStart, expectedCount).ToArray(), copy.ToArray());
    }

    [Fact]
    public async Task ReadingAMissingFileIsAStoreError()
    {
        var error = await Assert.ThrowsAsync<StoreException>(() => _store.OpenReadAsync(At("missing.bin"), 0, null, None));
        Assert.Equal(StoreErrorKind.Permanent, error.Kind);
    }

    [Theory]
    [InlineData("new/folder/a b+c%.tif")]
    [InlineData("deep/._hidden")]
    [InlineData("été/東京.json")]
    public async Task WriteCreatesFoldersAndReturnsTheFacts(string key)
    {
        var content = new byte[1000];
        Random.Shared.NextBytes(content);

        var facts = await _store.WriteAsync(At(key), new MemoryStream(content), content.Length, None);

        var path = Path.Combine(_dir, key);
        Assert.Equal(content, File.ReadAllBytes(path));
        Assert.Equal(1000, facts.SizeBytes);
        Assert.Equal(facts, await _store.HeadAsync(At(key), None));
        Assert.Single(Directory.GetFiles(Path.GetDirectoryName(path)!)); // no temp file left beside it
    }

    [Fact]
    public async Task AWriteOfTheWrongSizeLeavesTheOldFileAndNoTempFile()
    {
        var path = Path.Combine(_dir, "keep.bin");
        File.WriteAllBytes(path, [9, 9, 9]);

        var error = await Assert.ThrowsAsync<StoreException>(() => _store.WriteAsync(At("keep.bin"), new MemoryStream(new byte[5]), 6, None));

        Assert.Contains("5 bytes", error.Message);
        Assert.Equal([9, 9, 9], File.ReadAllBytes(path));
        Assert.Single(Directory.GetFiles(_dir));
    }

    [Fact]
    public async Task ACancelledWriteLeavesNothingVisible()
    {
        using var cts = new CancellationTokenSource();
        cts.Cancel();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => _store.WriteAsync(At("x/cancelled.bin"), new MemoryStream(new byte[100]), null, cts.Token));

        Assert.False(File.Exists(Path.Combine(_dir, "x", "cancelled.bin")));
        Assert.False(Directory.Exists(Path.Combine(_dir, "x")), "the folder made for the write goes with it");
    }

    [Fact]
    public async Task AFailedWriteRemovesTheFoldersItMadeAndNoOther()
    {
        Directory.CreateDirectory(Path.Combine(_dir, "keep", "empty"));

        await Assert.ThrowsAsync<StoreException>(() => _store.WriteAsync(At("keep/new/deeper/f.bin"), new MemoryStream(new byte[5]), 6, None));

        Assert.False(Directory.Exists(Path.Combine(_dir, "keep", "new")));
        Assert.True(Directory.Exists(Path.Combine(_dir, "keep", "empty")), "a folder that was there before stays, empty or not");
    }

    [Fact]
    public async Task DeleteRemovesAndToleratesMissing()
    {
        File.WriteAllBytes(Path.Combine(_dir, "d.bin"), [1]);

        await _store.DeleteAsync(At("d.bin"), None);
        await _store.DeleteAsync(At("d.bin"), None);

        Assert.False(File.Exists(Path.Combine(_dir, "d.bin")));
    }

    [Fact]
    public async Task RefusesOtherStoreTypes()
    {
        var error = await Assert.ThrowsAsync<StoreException>(() => _store.HeadAsync(new AssetLocation("s3", "b", null, "k"), None));
        Assert.Equal(StoreErrorKind.Permanent, error.Kind);
    }
}
