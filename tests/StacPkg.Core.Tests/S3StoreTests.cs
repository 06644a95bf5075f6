using Amazon.Runtime;
using Amazon.S3.Model;
using StacPkg.Core.Stores;
using StacPkg.Core.Tests.Support;

namespace StacPkg.Core.Tests;

/// <summary>S3Store against a real s3rver on loopback.</summary>
public sealed class S3StoreTests(S3rverServer server) : IClassFixture<S3rverServer>
{
    private const int MiB = 1024 * 1024;
    private static readonly StoreOptions Options = new();

    private S3Store Store(long threshold = 16 * MiB, int partSize = 8 * MiB) =>
        new(server.EndpointUrl, Options, S3rverServer.Credentials, threshold, partSize);

    private static AssetLocation At(string bucket, string key) => new("s3", bucket, null, key);

    [SkippableFact]
    public async Task Write_then_head_gives_the_stored_facts_and_bytes_read_back_are_identical()
    {
        server.RequireRunning();
        var bucket = await server.CreateBucketAsync();
        using var store = Store();
        var data = TestBytes.Random(5_000, 1);
        var location = At(bucket, "dir/small.bin");

        var written = await store.WriteAsync(location, new MemoryStream(data), data.Length, CancellationToken.None);
        var head = await store.HeadAsync(location, CancellationToken.None);

        using var client = server.CreateClient();
        var raw = await client.GetObjectMetadataAsync(bucket, "dir/small.bin");
        Assert.NotNull(head);
        Assert.Equal(data.Length, written.SizeBytes);
        // The write answers with what its PUT proved, without a HEAD: size and ETag, no last-modified.
        Assert.Equal(head.SizeBytes, written.SizeBytes);
        Assert.Equal(head.ETag, written.ETag);
        Assert.Null(written.LastModified);
        Assert.Equal(raw.ETag, head.ETag);
        Assert.StartsWith("\"", head.ETag);
        Assert.Equal(TimeSpan.Zero, head.LastModified!.Value.Offset);
        Assert.Equal(new DateTimeOffset(raw.LastModified!.Value.ToUniversalTime()), head.LastModified);
        Assert.InRange(head.LastModified.Value, DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddMinutes(5));
        Assert.Equal(data, await TestBytes.ReadAllAsync(await store.OpenReadAsync(location, 0, null, CancellationToken.None)));
    }

    [SkippableFact]
    public async Task An_empty_object_round_trips()
    {
        server.RequireRunning();
        var bucket = await server.CreateBucketAsync();
        using var store = Store();
        var location = At(bucket, "empty");
        var facts = await store.WriteAsync(location, new MemoryStream(), 0, CancellationToken.None);
        Assert.Equal(0, facts.SizeBytes);
        Assert.Empty(await TestBytes.ReadAllAsync(await store.OpenReadAsync(location, 0, null, CancellationToken.None)));
    }

    [SkippableTheory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task A_large_object_goes_up_in_parts_and_reads_back_identical(bool lengthKnown)
    {
        server.RequireRunning();
        var bucket = await server.CreateBucketAsync();
        using var store = Store(threshold: 5 * MiB, partSize: 5 * MiB);
        var data = TestBytes.Random(12 * MiB, 2);
        var location = At(bucket, "big/object.bin");
        // Once the second part is being read, the first must already sit in a pending multipart upload.
        var pendingMidway = -1;
        var content = new ForwardOnlyStream(data, delivered => { if (delivered == 6 * MiB) pendingMidway = server.PendingUploads(bucket); });

        var facts = await store.WriteAsync(location, content, lengthKnown ? data.Length : null, CancellationToken.None);

        Assert.Equal(1, pendingMidway);
        Assert.Equal(data.Length, facts.SizeBytes);
        Assert.NotNull(facts.ETag); // s3rver gives the whole object's MD5 here, where S3 gives "…-3"
        Assert.Equal(data, await TestBytes.ReadAllAsync(await store.OpenReadAsync(location, 0, null, CancellationToken.None)));
        using var client = server.CreateClient();
        Assert.Empty((await client.ListMultipartUploadsAsync(bucket)).MultipartUploads ?? []);
    }

    [SkippableFact]
    public async Task An_unknown_length_that_fits_one_part_goes_up_in_one_put()
    {
        server.RequireRunning();
        var bucket = await server.CreateBucketAsync();
        using var store = Store(threshold: 5 * MiB, partSize: 5 * MiB);
        var data = TestBytes.Random(300_000, 3);
        var facts = await store.WriteAsync(At(bucket, "streamed"), new ForwardOnlyStream(data), null, CancellationToken.None);
        Assert.Equal(data.Length, facts.SizeBytes);
        Assert.DoesNotContain("-", facts.ETag);
    }

    [SkippableFact]
    public async Task Ranged_reads_return_exactly_the_range()
    {
        server.RequireRunning();
        var bucket = await server.CreateBucketAsync();
        using var store = Store();
        var data = TestBytes.Random(10_000, 4);
        var location = At(bucket, "ranged");
        await store.WriteAsync(location, new MemoryStream(data), data.Length, CancellationToken.None);

        Assert.Equal(data[100..150], await TestBytes.ReadAllAsync(await store.OpenReadAsync(location, 100, 50, CancellationToken.None)));
        Assert.Equal(data[9_000..], await TestBytes.ReadAllAsync(await store.OpenReadAsync(location, 9_000, null, CancellationToken.None)));
        // (Not offset 0 with length 1: s3rver 3.7 reads "bytes=0-0" as the whole object.)
        Assert.Equal(data[1..2], await TestBytes.ReadAllAsync(await store.OpenReadAsync(location, 1, 1, CancellationToken.None)));
        Assert.Empty(await TestBytes.ReadAllAsync(await store.OpenReadAsync(location, 10, 0, CancellationToken.None)));
    }

    [SkippableFact]
    public async Task A_missing_object_heads_as_null_and_delete_removes_an_object()
    {
        server.RequireRunning();
        var bucket = await server.CreateBucketAsync();
        using var store = Store();
        var location = At(bucket, "to-delete");
        Assert.Null(await store.HeadAsync(location, CancellationToken.None));
        Assert.False(await store.ExistsAsync(location, CancellationToken.None));

        await store.WriteAsync(location, new MemoryStream([1, 2, 3]), 3, CancellationToken.None);
        Assert.True(await store.ExistsAsync(location, CancellationToken.None));
        await store.DeleteAsync(location, CancellationToken.None);
        Assert.Null(await store.HeadAsync(location, CancellationToken.None));
        await store.DeleteAsync(location, CancellationToken.None); // deleting a missing object is no error

        var read = await Assert.ThrowsAsync<StoreException>(() => store.OpenReadAsync(location, 0, null, CancellationToken.None));
        Assert.Equal(StoreErrorKind.Permanent, read.Kind);
        Assert.Contains($"s3://{bucket}/to-delete", read.Message);
    }

    [SkippableFact]
    public async Task A_cancelled_multipart_upload_leaves_no_object_and_no_pending_upload()
    {
        server.RequireRunning();
        var bucket = await server.CreateBucketAsync();
        using var store = Store(threshold: 5 * MiB, partSize: 5 * MiB);
        var data = TestBytes.Random(12 * MiB, 5);
        using var cancel = new CancellationTokenSource();
        // Cancel once the first part is on its way, as Ctrl+C mid-copy would.
        var content = new ForwardOnlyStream(data, delivered => { if (delivered > 6 * MiB) cancel.Cancel(); });
        var location = At(bucket, "cancelled.bin");

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => store.WriteAsync(location, content, null, cancel.Token));

        Assert.Null(await store.HeadAsync(location, CancellationToken.None));
        Assert.Equal(0, server.PendingUploads(bucket));
        using var client = server.CreateClient();
        Assert.Empty((await client.ListMultipartUploadsAsync(bucket)).MultipartUploads ?? []);
    }

    [SkippableFact]
    public async Task A_listing_gives_every_object_under_the_prefix_across_pages_with_the_facts_a_head_gives()
    {
        server.RequireRunning();
        var bucket = await server.CreateBucketAsync();
        using var store = Store();
        // More than one page of 1,000 keys, and a neighbour prefix that must not be listed.
        var keys = Enumerable.Range(0, 1_003).Select(i => $"dst/{i % 7}/k{i:D4}.bin").ToList();
        await Parallel.ForEachAsync(keys.Append("dst-other/x.bin"), new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (key, ct) =>
        {
            var data = TestBytes.Random(10 + key.Length, key.GetHashCode(StringComparison.Ordinal));
            await store.WriteAsync(At(bucket, key), new MemoryStream(data), data.Length, ct);
        });

        var listed = new List<StoredObject>();
        await foreach (var stored in ((IObjectStore)store).List(At(bucket, "dst/"), CancellationToken.None)!) listed.Add(stored);

        Assert.Equal(keys.Order(StringComparer.Ordinal), listed.Select(o => o.Location.Key).Order(StringComparer.Ordinal));
        var sample = listed[1000];
        var head = await store.HeadAsync(sample.Location, CancellationToken.None);
        Assert.Equal(head!.SizeBytes, sample.Facts.SizeBytes);
        Assert.Equal(head.ETag, sample.Facts.ETag);
        Assert.Equal(head.LastModified, sample.Facts.LastModified);
    }

    [SkippableFact]
    public async Task Content_shorter_than_announced_is_refused_and_nothing_is_written()
    {
        server.RequireRunning();
        var bucket = await server.CreateBucketAsync();
        using var store = Store(threshold: 5 * MiB, partSize: 5 * MiB);
        var small = At(bucket, "short");
        var error = await Assert.ThrowsAsync<StoreException>(() => store.WriteAsync(small, new MemoryStream(new byte[50]), 100, CancellationToken.None));
        Assert.Equal(StoreErrorKind.Permanent, error.Kind);
        Assert.Null(await store.HeadAsync(small, CancellationToken.None));

        var large = At(bucket, "short-multipart");
        error = await Assert.ThrowsAsync<StoreException>(() => store.WriteAsync(large, new MemoryStream(new byte[6 * MiB]), 7 * MiB, CancellationToken.None));
        Assert.Equal(StoreErrorKind.Permanent, error.Kind);
        Assert.Null(await store.HeadAsync(large, CancellationToken.None));
        using var client = server.CreateClient();
        Assert.Empty((await client.ListMultipartUploadsAsync(bucket)).MultipartUploads ?? []);
    }

    [SkippableFact]
    public async Task Wrong_credentials_are_unauthorized_and_the_message_holds_no_secret()
    {
        server.RequireRunning();
        var bucket = await server.CreateBucketAsync();
        const string secret = "wrong-secret-Zq7Xv";
        using var store = new S3Store(server.EndpointUrl, Options, new BasicAWSCredentials("WRONGKEY", secret));
        var location = At(bucket, "x");

        var head = await Assert.ThrowsAsync<StoreException>(() => store.HeadAsync(location, CancellationToken.None));
        var write = await Assert.ThrowsAsync<StoreException>(() => store.WriteAsync(location, new MemoryStream([1]), 1, CancellationToken.None));

        foreach (var error in new[] { head, write })
        {
            Assert.Equal(StoreErrorKind.Unauthorized, error.Kind);
            Assert.Contains($"s3://{bucket}/x", error.Message);
            Assert.DoesNotContain(secret, error.Message);
        }
        Assert.Contains("InvalidAccessKeyId", write.Message);
    }

    [SkippableFact]
    public async Task A_missing_bucket_is_unreachable_on_write()
    {
        server.RequireRunning();
        using var store = Store();
        var error = await Assert.ThrowsAsync<StoreException>(() => store.WriteAsync(At("no-such-bucket-here", "k"), new MemoryStream([1]), 1, CancellationToken.None));
        Assert.Equal(StoreErrorKind.Unreachable, error.Kind);
    }

    [Fact]
    public async Task A_closed_port_is_unreachable()
    {
        using var store = new S3Store($"http://127.0.0.1:{ServerProcesses.FreePort()}", Options, S3rverServer.Credentials);
        var error = await Assert.ThrowsAsync<StoreException>(() => store.HeadAsync(At("bucket", "key"), CancellationToken.None));
        Assert.Contains(error.Kind, new[] { StoreErrorKind.Unreachable, StoreErrorKind.Transient });
        Assert.Contains("s3://bucket/key", error.Message);
        Assert.DoesNotContain(S3rverServer.SecretKey + "\n", error.Message);
    }

    [SkippableTheory]
    [InlineData("with space/file name.tif")]
    [InlineData("plus+sign/a+b.tif")]
    [InlineData("percent/100%25 done %.tif")]
    [InlineData("unicode/Österreich/日本語 ñ.tif")]
    [InlineData("dots/._hidden and trailing.")]
    public async Task Keys_with_special_characters_round_trip(string key)
    {
        server.RequireRunning();
        var bucket = await server.CreateBucketAsync();
        using var store = Store();
        var data = TestBytes.Random(1_000, key.Length);
        var location = At(bucket, key);

        await store.WriteAsync(location, new MemoryStream(data), data.Length, CancellationToken.None);

        Assert.Equal(data.Length, (await store.HeadAsync(location, CancellationToken.None))?.SizeBytes);
        Assert.Equal(data, await TestBytes.ReadAllAsync(await store.OpenReadAsync(location, 0, null, CancellationToken.None)));
        using var client = server.CreateClient();
        var listed = await client.ListObjectsV2Async(new ListObjectsV2Request { BucketName = bucket });
        Assert.Equal(key, Assert.Single(listed.S3Objects).Key);
        await store.DeleteAsync(location, CancellationToken.None);
        Assert.False(await store.ExistsAsync(location, CancellationToken.None));
    }
}
