using System.Net;
using System.Net.Sockets;
using System.Text;
using StacPkg.Core.Stores;
using StacPkg.Core.Tests.Support;

namespace StacPkg.Core.Tests;

public sealed class HttpStoreTests(NginxServer nginx) : IClassFixture<NginxServer>
{
    private static readonly CancellationToken None = CancellationToken.None;
    private readonly HttpStore _store = new();

    private static AssetLocation Parse(string href) => AssetLocation.Parse(href, null, out _);

    [SkippableFact]
    public async Task HeadFactsAreWhatNginxSends()
    {
        nginx.RequireAvailable();
        var path = nginx.WriteFile("facts/scene.tif", TestBytes.Random(12345, 1));
        var mtime = new DateTime(2023, 3, 4, 5, 6, 7, DateTimeKind.Utc);
        File.SetLastWriteTimeUtc(path, mtime);

        var facts = await _store.HeadAsync(Parse(nginx.Url("facts/scene.tif")), None);

        using var raw = new HttpClient();
        using var response = await raw.SendAsync(new HttpRequestMessage(HttpMethod.Head, nginx.Url("facts/scene.tif")));
        Assert.NotNull(facts);
        Assert.Equal(12345, facts.SizeBytes);
        Assert.Equal(response.Headers.NonValidated["ETag"].Single(), facts.ETag);
        Assert.StartsWith("\"", facts.ETag); // strong: no W/
        Assert.Equal(new DateTimeOffset(mtime), facts.LastModified);
        Assert.Equal("image/tiff", facts.ContentType);
        // The file store derives the same validator from the same file.
        Assert.Equal(facts.ETag, (await new FileStore().HeadAsync(new AssetLocation("file", null, null, path), None))?.ETag);
    }

    [SkippableTheory]
    [InlineData("keys/a b+c%.tif", "keys/a%20b+c%25.tif")]
    [InlineData("keys/trailing.", "keys/trailing.")]
    [InlineData("keys/._meta.json", "keys/._meta.json")]
    [InlineData("keys/été/東京.tif", "keys/%C3%A9t%C3%A9/%E6%9D%B1%E4%BA%AC.tif")]
    [InlineData("keys/été/raw.tif", "keys/été/raw.tif")]
    [InlineData("keys/sp ace.tif", "keys/sp ace.tif")]
    public async Task SpecialKeysReachTheirFiles(string file, string urlPath)
    {
        nginx.RequireAvailable();
        nginx.WriteFile(file, TestBytes.Random(77, 2));

        var location = Parse(nginx.Url(urlPath));
        var facts = await _store.HeadAsync(location, None);

        Assert.Equal(77, facts?.SizeBytes);
        Assert.Equal(nginx.Url(urlPath), location.ToHref());
    }

    [SkippableFact]
    public async Task RangedAndFullReads()
    {
        nginx.RequireAvailable();
        var content = TestBytes.Random(100_000, 3);
        nginx.WriteFile("read/blob.bin", content);
        var location = Parse(nginx.Url("read/blob.bin"));

        Assert.Equal(content.AsSpan(1000, 500).ToArray(), await ReadAll(location, 1000, 500));
        Assert.Equal(content.AsSpan(99_990).ToArray(), await ReadAll(location, 99_990, null));
        Assert.Equal(content, await ReadAll(location, 0, null));
        Assert.Equal(content.AsSpan(0, 10).ToArray(), await ReadAll(location, 0, 10));
        Assert.Empty(await ReadAll(location, 5, 0));
    }

    [SkippableFact]
    public async Task MissingObjectsHaveNoFacts()
    {
        nginx.RequireAvailable();
        var location = Parse(nginx.Url("missing/nothing.tif?sig=SECRET"));

        Assert.Null(await _store.HeadAsync(location, None));
        Assert.False(await _store.ExistsAsync(location, None));
        var error = await Assert.ThrowsAsync<StoreException>(() => _store.OpenReadAsync(location, 0, null, None));
        Assert.Equal(StoreErrorKind.Permanent, error.Kind);
        Assert.DoesNotContain("SECRET", error.Message);
        Assert.Contains(nginx.Url("missing/nothing.tif"), error.Message);
    }

    [SkippableFact]
    public async Task RedirectsAreFollowed()
    {
        nginx.RequireAvailable();
        var content = TestBytes.Random(4321, 4);
        nginx.WriteFile("moved/target.json", content);

        var direct = await _store.HeadAsync(Parse(nginx.Url("moved/target.json")), None);
        var redirected = await _store.HeadAsync(Parse(nginx.Url("redirect/moved/target.json")), None);

        Assert.NotNull(redirected);
        Assert.Equal(direct, redirected);
        Assert.Equal(content, await ReadAll(Parse(nginx.Url("redirect/moved/target.json")), 0, null));
        Assert.Contains("\"HEAD /redirect/moved/target.json HTTP/1.1\" 302", File.ReadAllText(nginx.AccessLog));
    }

    [SkippableFact]
    public async Task WhenHeadIsRefusedOneByteOfAGetGivesTheFacts()
    {
        nginx.RequireAvailable();
        nginx.WriteFile("nh/data.bin", TestBytes.Random(5000, 5));
        nginx.WriteFile("nh/empty.bin", []);

        var direct = await _store.HeadAsync(Parse(nginx.Url("nh/data.bin")), None);
        var viaGet = await _store.HeadAsync(Parse(nginx.Url("nohead/nh/data.bin")), None);
        var empty = await _store.HeadAsync(Parse(nginx.Url("nohead/nh/empty.bin")), None);

        Assert.Equal(direct, viaGet);
        Assert.Equal(0, empty?.SizeBytes);
        Assert.Null(await _store.HeadAsync(Parse(nginx.Url("nohead/nh/missing.bin")), None));
    }

    [SkippableFact]
    public async Task ManyParallelHeadsShareThePool()
    {
        nginx.RequireAvailable();
        for (var i = 0; i < 200; i++) nginx.WriteFile($"many/{i}.bin", TestBytes.Random(i, i));

        var facts = await Task.WhenAll(Enumerable.Range(0, 200).Select(i => _store.HeadAsync(Parse(nginx.Url($"many/{i}.bin")), None)));

        Assert.Equal(Enumerable.Range(0, 200).Select(i => (long?)i), facts.Select(f => f?.SizeBytes));
    }

    [Fact]
    public async Task TheStoreIsReadOnly()
    {
        var location = Parse("http://127.0.0.1:1/x.tif");

        var write = await Assert.ThrowsAsync<StoreException>(() => _store.WriteAsync(location, Stream.Null, 0, None));
        var delete = await Assert.ThrowsAsync<StoreException>(() => _store.DeleteAsync(location, None));

        Assert.Equal(StoreErrorKind.Permanent, write.Kind);
        Assert.Contains("read-only", write.Message);
        Assert.Equal(StoreErrorKind.Permanent, delete.Kind);
    }

    [Fact]
    public async Task ARefusedConnectionIsUnreachable()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop(); // nothing listens there now

        var error = await Assert.ThrowsAsync<StoreException>(() => _store.HeadAsync(Parse($"http://127.0.0.1:{port}/x.tif?sig=SECRET"), None));

        Assert.Equal(StoreErrorKind.Unreachable, error.Kind);
        Assert.Contains($"http://127.0.0.1:{port}/x.tif", error.Message);
        Assert.DoesNotContain("SECRET", error.Message);
    }

    [Fact]
    public async Task ATruncatedBodyIsAnErrorNotAShortRead()
    {
        await using var server = new RawHttpServer((_, _) =>
            RawHttpServer.Response("200 OK", "Content-Length: 100\r\n", new byte[10]));

        var error = await Assert.ThrowsAsync<StoreException>(() => ReadAll(Parse(server.BaseUrl + "/short.bin"), 0, null));

        Assert.Equal(StoreErrorKind.Transient, error.Kind);
        Assert.Contains("truncated", error.Message);
    }

    [Theory]
    [InlineData("503 Service Unavailable", StoreErrorKind.Transient)]
    [InlineData("429 Too Many Requests", StoreErrorKind.Transient)]
    [InlineData("500 Internal Server Error", StoreErrorKind.Transient)]
    [InlineData("401 Unauthorized", StoreErrorKind.Unauthorized)]
    [InlineData("403 Forbidden", StoreErrorKind.Unauthorized)]
    [InlineData("400 Bad Request", StoreErrorKind.Permanent)]
    public async Task StatusCodesMapToErrorKinds(string status, StoreErrorKind kind)
    {
        await using var server = new RawHttpServer((_, _) => RawHttpServer.Response(status, "Content-Length: 0\r\n", []));

        var error = await Assert.ThrowsAsync<StoreException>(() => _store.HeadAsync(Parse(server.BaseUrl + "/x.tif"), None));

        Assert.Equal(kind, error.Kind);
        Assert.Contains(status[..3], error.Message);
    }

    [Fact]
    public async Task TwoFailuresThenAnAnswerIsJudgedOnTheAnswer()
    {
        await using var server = new RawHttpServer((n, _) => n <= 2
            ? RawHttpServer.Response("503 Service Unavailable", "Content-Length: 0\r\n", [])
            : RawHttpServer.Response("200 OK", "Content-Length: 9\r\nETag: \"abc\"\r\nLast-Modified: Wed, 21 Oct 2015 07:28:00 GMT\r\n", []));
        var policy = new RetryPolicy { InitialDelay = TimeSpan.FromMilliseconds(5) };

        var facts = await Retry.RunAsync(ct => _store.HeadAsync(Parse(server.BaseUrl + "/x.tif"), ct), policy, None);

        Assert.Equal(new ObjectFacts(9, "\"abc\"", new DateTimeOffset(2015, 10, 21, 7, 28, 0, TimeSpan.Zero), null), facts);
        Assert.Equal(3, server.Requests);
    }

    [Fact]
    public async Task AStalledServerTimesOutAsTransient()
    {
        await using var server = new RawHttpServer((_, _) => null);
        var store = new HttpStore(null, TimeSpan.FromMilliseconds(300));

        var error = await Assert.ThrowsAsync<StoreException>(() => store.HeadAsync(Parse(server.BaseUrl + "/x.tif"), None));

        Assert.Equal(StoreErrorKind.Transient, error.Kind);
    }

    [Fact]
    public async Task CancellationIsNotReportedAsAStoreError()
    {
        await using var server = new RawHttpServer((_, _) => null);
        using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(200));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => _store.HeadAsync(Parse(server.BaseUrl + "/x.tif"), cts.Token));
    }

    [Fact]
    public async Task TheETagIsKeptExactlyAsSent()
    {
        await using var server = new RawHttpServer((_, _) =>
            RawHttpServer.Response("200 OK", "Content-Length: 3\r\nETag: W/\"weak-1\"\r\nContent-Type: image/tiff; application=geotiff\r\n", []));

        var facts = await _store.HeadAsync(Parse(server.BaseUrl + "/x.tif"), None);

        Assert.Equal("W/\"weak-1\"", facts?.ETag);
        Assert.Equal("image/tiff; application=geotiff", facts?.ContentType);
    }

    private async Task<byte[]> ReadAll(AssetLocation location, long offset, long? length)
    {
        return await TestBytes.ReadAllAsync(await _store.OpenReadAsync(location, offset, length, None));
    }
}
