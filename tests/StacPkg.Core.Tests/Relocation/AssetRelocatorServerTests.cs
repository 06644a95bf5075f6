using StacPkg.Core.Lock;
using StacPkg.Core.Relocation;
using StacPkg.Core.Stores;
using StacPkg.Core.Tests.Support;

namespace StacPkg.Core.Tests.Relocation;

/// <summary>AssetRelocator across real stores on loopback: nginx, s3rver, Azurite.</summary>
public sealed class AssetRelocatorServerTests : IClassFixture<NginxServer>, IClassFixture<S3rverServer>, IClassFixture<AzuriteServer>, IDisposable
{
    private const int MiB = 1024 * 1024;
    private const int PartSize = 5 * MiB;

    private readonly NginxServer _nginx;
    private readonly S3rverServer _s3;
    private readonly AzuriteServer _azurite;
    private readonly RelocationFixture _fixture = new();

    // Stores buffer one part or block of the chunk size, as the relocator's memory budget assumes.
    private static readonly AssetRelocationOptions Options = new()
    {
        ChunkSize = PartSize, MemoryLimit = 3 * PartSize, ThrottleLimit = 4, Retry = RelocationFixture.FastRetry,
    };

    public AssetRelocatorServerTests(NginxServer nginx, S3rverServer s3, AzuriteServer azurite)
    {
        _nginx = nginx;
        _s3 = s3;
        _azurite = azurite;
    }

    private void AddS3()
    {
        _s3.RequireRunning();
        _fixture.Add("s3", new S3Store(_s3.EndpointUrl, new StoreOptions(), S3rverServer.Credentials, PartSize, PartSize));
    }

    private void AddAzure()
    {
        _azurite.RequireRunning();
        _fixture.Add("az", new AzureBlobStore(_azurite.AccountEndpoint, new StoreOptions { AzureConnectionString = _azurite.ConnectionString }, PartSize, PartSize));
    }

    /// <summary>Sizes around the part size so both single writes and multipart/blocks run.</summary>
    private static readonly int[] Sizes = [0, 1234, PartSize + 17, 2 * PartSize + 1];

    private async Task<List<AssetLockEntry>> FileSourcesAsync()
    {
        var rows = new List<AssetLockEntry>();
        for (var i = 0; i < Sizes.Length; i++)
        {
            var content = TestBytes.Random(Sizes[i], i);
            var path = _fixture.WriteSource($"f{i}.bin", content);
            rows.Add(await _fixture.LockAsync(new AssetLocation("file", null, null, path), $"item{i}", "data", content));
        }
        return rows;
    }

    private async Task<List<AssetLockEntry>> RelocateAndCheckAsync(List<AssetLockEntry> rows, RelocationDestination destination)
    {
        using var relocator = new AssetRelocator(destination, _fixture.StoreFor, Options);
        var results = await _fixture.ToListAsync(relocator.RelocateAsync(rows, CancellationToken.None));
        Assert.All(results, r => Assert.True(r.Status == AssetRelocationStatus.Copied, r.ToString()));
        Assert.All(results, r => Assert.Equal(r.Source.FileChecksum, r.Target!.FileChecksum));
        Assert.All(results, r => Assert.Equal(r.Source.SizeBytes, r.Target!.SizeBytes));
        var targets = results.Select(r => r.Target!).ToList();
        Assert.Empty(await _fixture.ValidateAsync(targets));
        Assert.InRange(relocator.PeakBufferedBytes, 0, Options.MemoryLimit);

        using var rerun = new AssetRelocator(destination, _fixture.StoreFor, Options);
        Assert.All(await _fixture.ToListAsync(rerun.RelocateAsync(rows, CancellationToken.None)),
            r => Assert.True(r.Status == AssetRelocationStatus.Skipped, r.ToString()));
        return targets;
    }

    [SkippableFact]
    public async Task Http_to_file()
    {
        _nginx.RequireAvailable();
        var rows = new List<AssetLockEntry>();
        for (var i = 0; i < Sizes.Length; i++)
        {
            var content = TestBytes.Random(Sizes[i], 10 + i);
            _nginx.WriteFile($"relocate/h{i}.tif", content);
            rows.Add(await _fixture.LockAsync(AssetLocation.Parse(_nginx.Url($"relocate/h{i}.tif"), null, out _), $"item{i}", "visual", content));
        }
        var targets = await RelocateAndCheckAsync(rows, RelocationDestination.Parse(Path.Combine(_fixture.Root, "copies")));
        Assert.All(targets, t => Assert.EndsWith(".tif", t.Key, StringComparison.Ordinal));
    }

    [SkippableFact]
    public async Task An_http_source_is_checked_and_read_with_one_GET_and_no_HEAD()
    {
        _nginx.RequireAvailable();
        var rows = new List<AssetLockEntry>();
        for (var i = 0; i < 3; i++)
        {
            var content = TestBytes.Random(1000 + i, 20 + i);
            _nginx.WriteFile($"one-get/g{i}.bin", content);
            rows.Add(await _fixture.LockAsync(AssetLocation.Parse(_nginx.Url($"one-get/g{i}.bin"), null, out _), $"item{i}", "data", content));
        }
        var logged = File.ReadAllLines(_nginx.AccessLog).Length; // the locking HEADs are not the relocation's

        using var relocator = new AssetRelocator(RelocationDestination.Parse(Path.Combine(_fixture.Root, "one-get")), _fixture.StoreFor, Options);
        var results = await _fixture.ToListAsync(relocator.RelocateAsync(rows, CancellationToken.None));

        Assert.All(results, r => Assert.True(r.Status == AssetRelocationStatus.Copied, r.ToString()));
        var requests = File.ReadAllLines(_nginx.AccessLog).Skip(logged).Where(l => l.Contains(" /one-get/", StringComparison.Ordinal)).ToList();
        Assert.DoesNotContain(requests, l => l.Contains("\"HEAD ", StringComparison.Ordinal));
        for (var i = 0; i < rows.Count; i++)
        {
            Assert.Single(requests, l => l.Contains($"\"GET /one-get/g{i}.bin ", StringComparison.Ordinal));
        }
    }

    [SkippableFact]
    public async Task File_to_s3_uses_the_endpoint_and_multipart()
    {
        AddS3();
        var bucket = await _s3.CreateBucketAsync();
        var targets = await RelocateAndCheckAsync(await FileSourcesAsync(), RelocationDestination.Parse($"s3://{bucket}/copies", _s3.EndpointUrl));
        Assert.All(targets, t => Assert.Equal(_s3.EndpointUrl, t.StoreEndpointUrl));
        Assert.Equal(0, _s3.PendingUploads(bucket));
    }

    [SkippableFact]
    public async Task File_to_az()
    {
        AddAzure();
        var container = await _azurite.CreateContainerAsync();
        await RelocateAndCheckAsync(await FileSourcesAsync(), RelocationDestination.Parse($"az://{container}/copies", _azurite.AccountEndpoint));
    }

    [SkippableFact]
    public async Task S3_to_az()
    {
        AddS3();
        AddAzure();
        var bucket = await _s3.CreateBucketAsync();
        var container = await _azurite.CreateContainerAsync();
        var rows = new List<AssetLockEntry>();
        for (var i = 0; i < Sizes.Length; i++)
        {
            var content = TestBytes.Random(Sizes[i], 20 + i);
            var location = new AssetLocation("s3", bucket, _s3.EndpointUrl, $"src/s{i}.tif");
            await using (var stream = new MemoryStream(content)) await _fixture.StoreFor(location).WriteAsync(location, stream, content.Length, CancellationToken.None);
            rows.Add(await _fixture.LockAsync(location, $"item{i}", "data", content));
        }
        var destination = RelocationDestination.Parse($"az://{container}/mirror", _azurite.AccountEndpoint);
        using var relocator = new AssetRelocator(destination, _fixture.StoreFor, Options with { Layout = RelocationLayout.SourceKey });
        var results = await _fixture.ToListAsync(relocator.RelocateAsync(rows, CancellationToken.None));
        Assert.All(results, r => Assert.True(r.Status == AssetRelocationStatus.Copied, r.ToString()));
        Assert.All(results, r => Assert.Equal("mirror/" + r.Source.Key, r.Target!.Key));
        Assert.Empty(await _fixture.ValidateAsync(results.Select(r => r.Target!)));
    }

    [SkippableFact]
    public async Task A_rerun_to_s3_learns_what_is_there_from_one_listing_without_a_HEAD_per_target()
    {
        AddS3();
        var bucket = await _s3.CreateBucketAsync();
        var rows = await FileSourcesAsync();
        var destination = RelocationDestination.Parse($"s3://{bucket}/listed", _s3.EndpointUrl);
        using (var relocator = new AssetRelocator(destination, _fixture.StoreFor, Options))
        {
            Assert.All(await _fixture.ToListAsync(relocator.RelocateAsync(rows, CancellationToken.None)),
                r => Assert.True(r.Status == AssetRelocationStatus.Copied, r.ToString()));
        }
        // One target changed since: the listing must still show it as there and different.
        var changed = destination.TargetFor(rows[1], RelocationLayout.ItemAsset);
        await using (var other = new MemoryStream(TestBytes.Random(Sizes[1], 99))) await _fixture.StoreFor(changed).WriteAsync(changed, other, Sizes[1], CancellationToken.None);

        var counting = new CountingStore(_fixture.StoreFor(changed));
        using var rerun = new AssetRelocator(destination, l => l.StoreType == "s3" ? counting : _fixture.StoreFor(l), Options);
        var results = await _fixture.ToListAsync(rerun.RelocateAsync(rows, CancellationToken.None));

        Assert.Equal(0, counting.Heads);
        Assert.Equal(1, counting.Listings);
        Assert.All(results.Where(r => r.Source != rows[1]), r => Assert.True(r.Status == AssetRelocationStatus.Skipped, r.ToString()));
        var refused = Assert.Single(results, r => r.Source == rows[1]);
        Assert.Equal(AssetRelocationStatus.Failed, refused.Status);
        Assert.Contains("exists and differs", refused.Error, StringComparison.Ordinal);
    }

    public void Dispose() => _fixture.Dispose();

    /// <summary>The real store, counting the HEADs and listings the relocator asks of it.</summary>
    private sealed class CountingStore(IObjectStore inner) : IObjectStore
    {
        private int _heads;
        private int _listings;

        public int Heads => _heads;

        public int Listings => _listings;

        public Task<ObjectFacts?> HeadAsync(AssetLocation location, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref _heads);
            return inner.HeadAsync(location, cancellationToken);
        }

        public IAsyncEnumerable<StoredObject>? List(AssetLocation prefix, CancellationToken cancellationToken)
        {
            var listing = inner.List(prefix, cancellationToken);
            if (listing is not null) Interlocked.Increment(ref _listings);
            return listing;
        }

        public Task<Stream> OpenReadAsync(AssetLocation location, long offset, long? length, CancellationToken cancellationToken) =>
            inner.OpenReadAsync(location, offset, length, cancellationToken);

        public Task<ObjectFacts> WriteAsync(AssetLocation location, Stream content, long? length, CancellationToken cancellationToken) =>
            inner.WriteAsync(location, content, length, cancellationToken);

        public Task<bool> ExistsAsync(AssetLocation location, CancellationToken cancellationToken) => inner.ExistsAsync(location, cancellationToken);

        public Task DeleteAsync(AssetLocation location, CancellationToken cancellationToken) => inner.DeleteAsync(location, cancellationToken);
    }
}
