using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Azure.Storage.Blobs.Specialized;
using StacPkg.Core.Stores;
using StacPkg.Core.Tests.Support;

namespace StacPkg.Core.Tests;

/// <summary>AzureBlobStore against a real Azurite on loopback.</summary>
public sealed class AzureBlobStoreTests(AzuriteServer server) : IClassFixture<AzuriteServer>
{
    private const int KiB = 1024;

    private StoreOptions Options => new() { AzureConnectionString = server.ConnectionString };

    private AzureBlobStore Store(long threshold = 16 * 1024 * KiB, int blockSize = 8 * 1024 * KiB) =>
        new(server.AccountEndpoint, Options, threshold, blockSize);

    private AssetLocation At(string container, string key) => new("az", container, server.AccountEndpoint, key);

    private BlobContainerClient Container(string name) => new BlobServiceClient(server.ConnectionString).GetBlobContainerClient(name);

    [SkippableFact]
    public async Task Write_then_head_gives_the_stored_facts_and_bytes_read_back_are_identical()
    {
        server.RequireRunning();
        var container = await server.CreateContainerAsync();
        var store = Store();
        var data = TestBytes.Random(5_000, 1);
        var location = At(container, "dir/small.bin");

        var written = await store.WriteAsync(location, new MemoryStream(data), data.Length, CancellationToken.None);
        var head = await store.HeadAsync(location, CancellationToken.None);

        var raw = await Container(container).GetBlobClient("dir/small.bin").GetPropertiesAsync();
        Assert.NotNull(head);
        Assert.Equal(data.Length, written.SizeBytes);
        Assert.Equal(written, head);
        Assert.Equal(raw.GetRawResponse().Headers.ETag?.ToString("H"), head.ETag);
        Assert.StartsWith("\"", head.ETag);
        Assert.Equal(TimeSpan.Zero, head.LastModified!.Value.Offset);
        Assert.Equal(raw.Value.LastModified, head.LastModified);
        Assert.InRange(head.LastModified.Value, DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddMinutes(5));
        Assert.Equal(data, await TestBytes.ReadAllAsync(await store.OpenReadAsync(location, 0, null, CancellationToken.None)));
    }

    [SkippableFact]
    public async Task An_empty_blob_round_trips()
    {
        server.RequireRunning();
        var container = await server.CreateContainerAsync();
        var store = Store();
        var location = At(container, "empty");
        var facts = await store.WriteAsync(location, new MemoryStream(), 0, CancellationToken.None);
        Assert.Equal(0, facts.SizeBytes);
        Assert.Empty(await TestBytes.ReadAllAsync(await store.OpenReadAsync(location, 0, null, CancellationToken.None)));
    }

    [SkippableTheory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task A_large_blob_goes_up_in_blocks_and_reads_back_identical(bool lengthKnown)
    {
        server.RequireRunning();
        var container = await server.CreateContainerAsync();
        var store = Store(threshold: 64 * KiB, blockSize: 100 * KiB);
        var data = TestBytes.Random(1_000 * KiB + 17, 2);
        var location = At(container, "big/blob.bin");

        var facts = await store.WriteAsync(location, new ForwardOnlyStream(data), lengthKnown ? data.Length : null, CancellationToken.None);

        Assert.Equal(data.Length, facts.SizeBytes);
        Assert.Equal(await store.HeadAsync(location, CancellationToken.None), facts);
        Assert.Equal(data, await TestBytes.ReadAllAsync(await store.OpenReadAsync(location, 0, null, CancellationToken.None)));
        var blocks = (await Container(container).GetBlockBlobClient("big/blob.bin").GetBlockListAsync(BlockListTypes.All)).Value;
        Assert.Equal(11, blocks.CommittedBlocks.Count()); // 10 × 100 KiB + 17 bytes
        Assert.Empty(blocks.UncommittedBlocks);
    }

    [SkippableFact]
    public async Task A_listing_gives_every_blob_under_the_prefix_with_the_facts_a_head_gives()
    {
        server.RequireRunning();
        var container = await server.CreateContainerAsync();
        var store = new AzureBlobStore(server.AccountEndpoint, Options, 64 * KiB, 100 * KiB) { ListPageSize = 2 };
        var keys = new[] { "set/a.bin", "set/b.bin", "set/c d.bin", "set/sub/e.bin", "set/staged.bin" };
        foreach (var key in keys)
        {
            var data = TestBytes.Random(key == "set/staged.bin" ? 250 * KiB : 100, key.Length);
            await store.WriteAsync(At(container, key), new MemoryStream(data), data.Length, CancellationToken.None);
        }
        await store.WriteAsync(At(container, "settle.bin"), new MemoryStream([1]), 1, CancellationToken.None);
        await store.WriteAsync(At(container, "other/x.bin"), new MemoryStream([2]), 1, CancellationToken.None);

        var listed = new List<StoredObject>();
        await foreach (var stored in store.List(At(container, "set/"), CancellationToken.None)!) listed.Add(stored);

        // Three pages of two: every blob once, none outside the prefix, each with its HEAD's facts.
        Assert.Equal(keys.Order(StringComparer.Ordinal), listed.Select(o => o.Location.Key).Order(StringComparer.Ordinal));
        foreach (var stored in listed)
        {
            Assert.Equal(At(container, stored.Location.Key), stored.Location);
            Assert.Equal(await store.HeadAsync(stored.Location, CancellationToken.None), stored.Facts);
        }
        var all = new List<string>();
        await foreach (var stored in store.List(new AssetLocation("az", container, server.AccountEndpoint, ""), CancellationToken.None)!) all.Add(stored.Location.Key);
        Assert.Equal(keys.Length + 2, all.Count);
        await foreach (var _ in store.List(At(container, "nothing/"), CancellationToken.None)!) Assert.Fail("a prefix without blobs lists nothing");
    }

    [SkippableFact]
    public async Task Listing_a_missing_container_is_unreachable()
    {
        server.RequireRunning();
        var error = await Assert.ThrowsAsync<StoreException>(async () =>
        {
            await foreach (var _ in Store().List(At("no-such-container", "p/"), CancellationToken.None)!) { }
        });
        Assert.Equal(StoreErrorKind.Unreachable, error.Kind);
        Assert.Contains("ContainerNotFound", error.Message);
        Assert.Contains("az://no-such-container/p/", error.Message);
    }

    [SkippableFact]
    public async Task A_block_whose_bytes_do_not_match_its_md5_is_a_transient_failure()
    {
        server.RequireRunning();
        var container = await server.CreateContainerAsync();
        var block = Container(container).GetBlockBlobClient("damaged");
        // What the service answers when a block's bytes were damaged on the way: the bytes disagree with their MD5.
        var wrongMd5 = System.Security.Cryptography.MD5.HashData(new byte[] { 1 });
        var failure = await Assert.ThrowsAsync<Azure.RequestFailedException>(() => block.StageBlockAsync(
            Convert.ToBase64String(new byte[16]), new MemoryStream([2]),
            new BlockBlobStageBlockOptions { TransferValidation = new Azure.Storage.UploadTransferValidationOptions { ChecksumAlgorithm = Azure.Storage.StorageChecksumAlgorithm.MD5, PrecalculatedChecksum = wrongMd5 } }));

        var mapped = AzureBlobErrors.Map(failure, "az://c/damaged", "write");

        Assert.Equal("Md5Mismatch", failure.ErrorCode);
        Assert.Equal(StoreErrorKind.Transient, mapped.Kind);
    }

    [SkippableFact]
    public async Task Ranged_reads_return_exactly_the_range()
    {
        server.RequireRunning();
        var container = await server.CreateContainerAsync();
        var store = Store();
        var data = TestBytes.Random(10_000, 4);
        var location = At(container, "ranged");
        await store.WriteAsync(location, new MemoryStream(data), data.Length, CancellationToken.None);

        Assert.Equal(data[100..150], await TestBytes.ReadAllAsync(await store.OpenReadAsync(location, 100, 50, CancellationToken.None)));
        Assert.Equal(data[9_000..], await TestBytes.ReadAllAsync(await store.OpenReadAsync(location, 9_000, null, CancellationToken.None)));
        Assert.Equal(data[..1], await TestBytes.ReadAllAsync(await store.OpenReadAsync(location, 0, 1, CancellationToken.None)));
        Assert.Empty(await TestBytes.ReadAllAsync(await store.OpenReadAsync(location, 10, 0, CancellationToken.None)));
    }

    [SkippableFact]
    public async Task A_missing_blob_heads_as_null_and_delete_removes_a_blob()
    {
        server.RequireRunning();
        var container = await server.CreateContainerAsync();
        var store = Store();
        var location = At(container, "to-delete");
        Assert.Null(await store.HeadAsync(location, CancellationToken.None));
        Assert.False(await store.ExistsAsync(location, CancellationToken.None));

        await store.WriteAsync(location, new MemoryStream([1, 2, 3]), 3, CancellationToken.None);
        Assert.True(await store.ExistsAsync(location, CancellationToken.None));
        await store.DeleteAsync(location, CancellationToken.None);
        Assert.Null(await store.HeadAsync(location, CancellationToken.None));
        await store.DeleteAsync(location, CancellationToken.None); // deleting a missing blob is no error

        var read = await Assert.ThrowsAsync<StoreException>(() => store.OpenReadAsync(location, 0, null, CancellationToken.None));
        Assert.Equal(StoreErrorKind.Permanent, read.Kind);
        Assert.Contains($"az://{container}/to-delete", read.Message);
    }

    [SkippableFact]
    public async Task A_missing_container_is_unreachable()
    {
        server.RequireRunning();
        var store = Store();
        var error = await Assert.ThrowsAsync<StoreException>(() => store.HeadAsync(At("no-such-container", "k"), CancellationToken.None));
        Assert.Equal(StoreErrorKind.Unreachable, error.Kind);
        Assert.Contains("ContainerNotFound", error.Message);
    }

    [SkippableFact]
    public async Task A_cancelled_block_upload_leaves_no_blob()
    {
        server.RequireRunning();
        var container = await server.CreateContainerAsync();
        var store = Store(threshold: 64 * KiB, blockSize: 100 * KiB);
        var data = TestBytes.Random(1_000 * KiB, 5);
        using var cancel = new CancellationTokenSource();
        // Cancel once a few blocks are staged, as Ctrl+C mid-copy would.
        var content = new ForwardOnlyStream(data, delivered => { if (delivered > 300 * KiB) cancel.Cancel(); });
        var location = At(container, "cancelled.bin");

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => store.WriteAsync(location, content, null, cancel.Token));

        Assert.Null(await store.HeadAsync(location, CancellationToken.None));
        var listed = new List<string>();
        await foreach (var blob in Container(container).GetBlobsAsync()) listed.Add(blob.Name);
        Assert.Empty(listed);
    }

    [SkippableFact]
    public async Task A_rewrite_that_fails_midway_keeps_the_previous_blob()
    {
        server.RequireRunning();
        var container = await server.CreateContainerAsync();
        var store = Store(threshold: 64 * KiB, blockSize: 100 * KiB);
        var location = At(container, "kept.bin");
        var before = await store.WriteAsync(location, new MemoryStream([9, 9, 9]), 3, CancellationToken.None);

        var content = new ForwardOnlyStream(TestBytes.Random(1_000 * KiB, 6), delivered => { if (delivered > 300 * KiB) throw new IOException("source reset"); });
        var error = await Assert.ThrowsAsync<StoreException>(() => store.WriteAsync(location, content, null, CancellationToken.None));

        Assert.Equal(StoreErrorKind.Transient, error.Kind);
        Assert.Equal(before, await store.HeadAsync(location, CancellationToken.None));
    }

    [SkippableFact]
    public async Task Content_shorter_than_announced_is_refused_and_nothing_is_written()
    {
        server.RequireRunning();
        var container = await server.CreateContainerAsync();
        var store = Store(threshold: 64 * KiB, blockSize: 100 * KiB);
        foreach (var (name, actual, announced) in new[] { ("short", 50, 100), ("short-blocks", 250 * KiB, 300 * KiB) })
        {
            var location = At(container, name);
            var error = await Assert.ThrowsAsync<StoreException>(() => store.WriteAsync(location, new MemoryStream(new byte[actual]), announced, CancellationToken.None));
            Assert.Equal(StoreErrorKind.Permanent, error.Kind);
            Assert.Null(await store.HeadAsync(location, CancellationToken.None));
        }
    }

    [SkippableFact]
    public async Task An_account_key_with_the_account_endpoint_works()
    {
        server.RequireRunning();
        var container = await server.CreateContainerAsync();
        var store = new AzureBlobStore(server.AccountEndpoint, new StoreOptions { AzureAccountKey = AzuriteServer.AccountKey });
        var location = At(container, "keyed");
        var facts = await store.WriteAsync(location, new MemoryStream([1, 2]), 2, CancellationToken.None);
        Assert.Equal(2, facts.SizeBytes);
    }

    [SkippableFact]
    public async Task Wrong_credentials_are_unauthorized_and_the_message_holds_no_secret()
    {
        server.RequireRunning();
        var container = await server.CreateContainerAsync();
        var wrongKey = Convert.ToBase64String(TestBytes.Random(64, 7));
        var stores = new[]
        {
            new AzureBlobStore(server.AccountEndpoint, new StoreOptions { AzureConnectionString = server.ConnectionString.Replace(AzuriteServer.AccountKey, wrongKey) }),
            new AzureBlobStore(server.AccountEndpoint, new StoreOptions { AzureAccountKey = wrongKey }),
        };
        foreach (var store in stores)
        {
            var location = At(container, "x");
            var head = await Assert.ThrowsAsync<StoreException>(() => store.HeadAsync(location, CancellationToken.None));
            var write = await Assert.ThrowsAsync<StoreException>(() => store.WriteAsync(location, new MemoryStream([1]), 1, CancellationToken.None));
            foreach (var error in new[] { head, write })
            {
                Assert.Equal(StoreErrorKind.Unauthorized, error.Kind);
                Assert.Contains($"az://{container}/x", error.Message);
                Assert.DoesNotContain(wrongKey, error.Message);
                Assert.DoesNotContain(AzuriteServer.AccountKey, error.Message);
            }
        }
    }

    [Fact]
    public async Task A_closed_port_is_unreachable()
    {
        var endpoint = $"http://127.0.0.1:{ServerProcesses.FreePort()}/{AzuriteServer.AccountName}";
        var store = new AzureBlobStore(endpoint, new StoreOptions { AzureAccountKey = AzuriteServer.AccountKey }, 1024, 1024, maxRetries: 1);
        var error = await Assert.ThrowsAsync<StoreException>(() => store.HeadAsync(new AssetLocation("az", "container", endpoint, "key"), CancellationToken.None));
        Assert.Contains(error.Kind, new[] { StoreErrorKind.Unreachable, StoreErrorKind.Transient });
        Assert.Contains("az://container/key", error.Message);
        Assert.DoesNotContain(AzuriteServer.AccountKey, error.Message);
    }

    [SkippableTheory]
    [InlineData("with space/file name.tif")]
    [InlineData("plus+sign/a+b.tif")]
    [InlineData("percent/100%25 done %.tif")]
    [InlineData("unicode/Österreich/日本語 ñ.tif")]
    [InlineData("dots/._hidden")]
    public async Task Keys_with_special_characters_round_trip(string key)
    {
        server.RequireRunning();
        var container = await server.CreateContainerAsync();
        var store = Store();
        var data = TestBytes.Random(1_000, key.Length);
        var location = At(container, key);

        await store.WriteAsync(location, new MemoryStream(data), data.Length, CancellationToken.None);

        Assert.Equal(data.Length, (await store.HeadAsync(location, CancellationToken.None))?.SizeBytes);
        Assert.Equal(data, await TestBytes.ReadAllAsync(await store.OpenReadAsync(location, 0, null, CancellationToken.None)));
        var listed = new List<string>();
        await foreach (var blob in Container(container).GetBlobsAsync()) listed.Add(blob.Name);
        Assert.Equal(key, Assert.Single(listed));
        await store.DeleteAsync(location, CancellationToken.None);
        Assert.False(await store.ExistsAsync(location, CancellationToken.None));
    }
}
