using System.Runtime.CompilerServices;
using System.Text;
using StacPkg.Core.Lock;
using StacPkg.Core.Stores;

namespace StacPkg.Core.Tests.Lock;

public class AssetValidatorTests
{
    private static readonly DateTimeOffset Modified = new(2024, 5, 6, 7, 8, 9, TimeSpan.Zero);
    private static readonly RetryPolicy FastRetry = new() { InitialDelay = TimeSpan.FromMilliseconds(1), MaxDelay = TimeSpan.FromMilliseconds(5) };

    private readonly MemoryObjectStore _store = new();

    private AssetValidator Validator(bool checksum = false, int throttle = 4) =>
        new(_ => _store, new AssetValidationOptions { Checksum = checksum, ThrottleLimit = throttle, Retry = FastRetry });

    private AssetLockEntry Locked(string key, byte[] content, string? etag = "\"abc\"")
    {
        _store.Put(key, content, etag, Modified.AddMilliseconds(400));
        return new AssetLockEntry
        {
            ItemId = "item", AssetKey = key, StoreType = "s3", StoreContainer = "bucket", Key = key,
            SizeBytes = content.Length, ETag = etag, LastModified = LockTimestamp.Format(Modified), FileChecksum = Multihash.Sha256(content),
        };
    }

    [Fact]
    public async Task Matching_facts_are_valid_with_weak_etags_and_instants_compared_to_the_second()
    {
        var entry = Locked("k", Encoding.ASCII.GetBytes("hello"));
        entry.ETag = "W/\"abc\"";
        entry.LastModified = "2024-05-06T09:08:09+02:00";
        var result = await Validator(checksum: true).ValidateOneAsync(entry, CancellationToken.None);
        Assert.True(result.Valid, string.Join("; ", result.Reasons));
        Assert.Equal(Multihash.Sha256(Encoding.ASCII.GetBytes("hello")), result.ObservedChecksum);
        Assert.Equal(5, result.Observed!.SizeBytes);
    }

    [Fact]
    public async Task Each_differing_fact_is_a_short_specific_reason()
    {
        var entry = Locked("k", new byte[1000], "\"abc\"");
        entry.SizeBytes = 1200;
        entry.ETag = "\"def\"";
        entry.LastModified = "2024-05-06T07:08:10Z";
        var result = await Validator().ValidateOneAsync(entry, CancellationToken.None);
        Assert.False(result.Valid);
        Assert.Equal(["size 1000 != locked 1200", "etag \"abc\" != locked \"def\"", "last-modified 2024-05-06T07:08:09.400000+00:00 != locked 2024-05-06T07:08:10Z"], result.Reasons);
    }

    [Fact]
    public async Task A_multipart_etag_is_compared_as_an_opaque_value()
    {
        var entry = Locked("k", new byte[3], "\"8c4b1ad1f7c0c6b9a2b4d1c4e8f0a3b2-2\"");
        Assert.True((await Validator().ValidateOneAsync(entry, CancellationToken.None)).Valid);
        entry.ETag = "\"8c4b1ad1f7c0c6b9a2b4d1c4e8f0a3b2-3\"";
        Assert.Equal(["etag \"8c4b1ad1f7c0c6b9a2b4d1c4e8f0a3b2-2\" != locked \"8c4b1ad1f7c0c6b9a2b4d1c4e8f0a3b2-3\""],
            (await Validator().ValidateOneAsync(entry, CancellationToken.None)).Reasons);
    }

    [Fact]
    public async Task A_same_size_content_change_is_caught_only_with_checksum()
    {
        var entry = Locked("k", Encoding.ASCII.GetBytes("hello"), etag: null);
        _store.Put("k", Encoding.ASCII.GetBytes("jello"), null, Modified);
        Assert.True((await Validator().ValidateOneAsync(entry, CancellationToken.None)).Valid);

        var result = await Validator(checksum: true).ValidateOneAsync(entry, CancellationToken.None);
        Assert.False(result.Valid);
        var reason = Assert.Single(result.Reasons);
        Assert.Matches("^checksum 1220[0-9a-f]{12}… != locked 1220[0-9a-f]{12}…$", reason);
    }

    [Fact]
    public async Task Without_a_locked_checksum_the_observed_one_is_reported_and_does_not_fail()
    {
        var entry = Locked("k", new byte[10]);
        entry.FileChecksum = null;
        var result = await Validator(checksum: true).ValidateOneAsync(entry, CancellationToken.None);
        Assert.True(result.Valid);
        Assert.Equal(Multihash.Sha256(new byte[10]), result.ObservedChecksum);
        Assert.Equal(["no locked checksum to compare"], result.Notes);
    }

    [Fact]
    public async Task A_missing_object_is_invalid()
    {
        var entry = Locked("k", new byte[1]);
        _store.Objects.Clear();
        var result = await Validator().ValidateOneAsync(entry, CancellationToken.None);
        Assert.Equal((false, "missing"), (result.Valid, Assert.Single(result.Reasons)));
        Assert.Null(result.Observed);
    }

    [Fact]
    public async Task Transient_failures_are_retried_and_the_row_judged_on_the_real_answer()
    {
        var good = Locked("good", new byte[5]);
        var changed = Locked("changed", new byte[5]);
        _store.Put("changed", new byte[6], "\"abc\"", Modified);
        _store.Fail("good", new StoreException(StoreErrorKind.Transient, "503 Service Unavailable"), new StoreException(StoreErrorKind.Transient, "503 Service Unavailable"));
        _store.Fail("changed", new StoreException(StoreErrorKind.Transient, "503 Service Unavailable"), new StoreException(StoreErrorKind.Transient, "503 Service Unavailable"));

        Assert.True((await Validator().ValidateOneAsync(good, CancellationToken.None)).Valid);
        Assert.Equal(["size 6 != locked 5"], (await Validator().ValidateOneAsync(changed, CancellationToken.None)).Reasons);
        Assert.Equal(6, _store.Heads);
    }

    [Fact]
    public async Task Store_errors_after_retries_are_reasons()
    {
        var down = Locked("down", new byte[1]);
        _store.Fail("down", Enumerable.Range(0, 10).Select(_ => new StoreException(StoreErrorKind.Transient, "connection reset")).ToArray());
        var denied = Locked("denied", new byte[1]);
        _store.Fail("denied", new StoreException(StoreErrorKind.Unauthorized, "403 Forbidden"));

        Assert.Equal(["unreachable: connection reset"], (await Validator().ValidateOneAsync(down, CancellationToken.None)).Reasons);
        Assert.Equal(FastRetry.MaxAttempts, 10 - _store.Failures["down"].Count);
        Assert.Equal(["unauthorized: 403 Forbidden"], (await Validator().ValidateOneAsync(denied, CancellationToken.None)).Reasons);
    }

    [Fact]
    public async Task A_file_row_with_an_obstore_etag_is_compared_by_the_mtime_and_size_it_carries()
    {
        var path = Path.GetTempFileName();
        try
        {
            File.WriteAllBytes(path, new byte[40]);
            var mtime = new DateTime(2024, 5, 1, 10, 0, 0, DateTimeKind.Utc).AddTicks(1_234_567);
            File.SetLastWriteTimeUtc(path, mtime);
            var microseconds = (mtime.Ticks - DateTime.UnixEpoch.Ticks) / 10;
            // inode-mtime(µs)-size, hex, as the Python stacpkg (obstore) writes it; the inode is never compared.
            var row = new AssetLockEntry
            {
                ItemId = "i", AssetKey = "a", StoreType = "file", Key = path, SizeBytes = 40,
                ETag = $"b40261-{microseconds:x}-28", LastModified = "2024-05-01T10:00:00.123456+00:00",
            };
            var validator = new AssetValidator(_ => new FileStore());
            var unchanged = await validator.ValidateOneAsync(row, CancellationToken.None);
            Assert.Empty(unchanged.Reasons);

            File.SetLastWriteTimeUtc(path, mtime.AddTicks(10));
            var touched = await validator.ValidateOneAsync(row, CancellationToken.None);
            Assert.Equal([$"etag \"b40261-{microseconds:x}-28\" (inode-mtime-size) does not match the file's modification time and size"], touched.Reasons);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public async Task Bad_rows_are_invalid_with_a_reason_and_the_others_are_still_checked()
    {
        var ok = Locked("ok", new byte[2]);
        var noType = new AssetLockEntry { ItemId = "item", AssetKey = "a", Key = "k" };
        var noKey = new AssetLockEntry { ItemId = "item", AssetKey = "b", StoreType = "s3" };
        var unknown = new AssetLockEntry { ItemId = "item", AssetKey = "c", StoreType = "gopher", Key = "k" };
        var negative = Locked("d", new byte[3]);
        negative.SizeBytes = -5;
        var badSum = Locked("e", new byte[3]);
        badSum.FileChecksum = "zzzz";
        var validator = new AssetValidator(_ => _store, new AssetValidationOptions { Retry = FastRetry, Checksum = true });

        var results = new Dictionary<string, AssetValidationResult>();
        await foreach (var r in validator.ValidateAsync([ok, noType, noKey, unknown, negative, badSum], CancellationToken.None)) results[r.AssetKey] = r;

        Assert.True(results["ok"].Valid);
        Assert.Equal(["store_type is empty"], results["a"].Reasons);
        Assert.Equal(["store_container is empty (a s3 row needs its bucket or container)", "key is empty (a s3 row needs its object key)"], results["b"].Reasons);
        Assert.Equal(["store_type 'gopher' is not one of file, s3, az, gs, http, https"], results["c"].Reasons);
        Assert.Equal(["size_bytes -5 is negative"], results["d"].Reasons);
        // A malformed checksum is a failure, not a note: the row cannot vouch for the content.
        Assert.False(results["e"].Valid);
        Assert.Equal(["file_checksum 'zzzz' is not hex digits in pairs"], results["e"].Reasons);
    }

    [Fact]
    public async Task Ten_thousand_rows_stream_with_bounded_concurrency_and_flat_memory()
    {
        const int Rows = 10_000;
        const int Throttle = 8;
        _store.HeadDelay = TimeSpan.FromMilliseconds(1);
        for (var i = 0; i < Rows; i++) _store.Put($"k{i}", [], null, Modified);
        var produced = 0;

        async IAsyncEnumerable<AssetLockEntry> Entries([EnumeratorCancellation] CancellationToken ct = default)
        {
            for (var i = 0; i < Rows; i++)
            {
                Interlocked.Increment(ref produced);
                yield return new AssetLockEntry { ItemId = $"i{i}", AssetKey = "a", StoreType = "s3", StoreContainer = "b", Key = $"k{i}", SizeBytes = i % 1000 == 0 ? 1 : 0 };
            }
            await Task.CompletedTask;
        }

        int? headsAtFirstResult = null, producedAtFirstResult = null;
        var maxAhead = 0;
        var results = 0;
        var invalid = 0;
        await foreach (var r in Validator(throttle: Throttle).ValidateAsync(Entries(), CancellationToken.None))
        {
            headsAtFirstResult ??= _store.Heads;
            producedAtFirstResult ??= Volatile.Read(ref produced);
            maxAhead = Math.Max(maxAhead, Volatile.Read(ref produced) - results);
            results++;
            if (!r.Valid) invalid++;
        }

        Assert.Equal(Rows, results);
        Assert.Equal(Rows / 1000, invalid);
        Assert.InRange(_store.MaxInFlight, 2, Throttle);
        Assert.True(headsAtFirstResult < Rows / 10, $"first result after {headsAtFirstResult} checks");
        // Rows pulled from the input but not yet handed back: in flight, queued, or buffered — never the whole input.
        Assert.True(maxAhead <= 6 * Throttle, $"{maxAhead} rows were pulled ahead of the results");
        Assert.True(producedAtFirstResult < 6 * Throttle);
    }

    [Fact]
    public async Task Cancellation_stops_the_run_without_a_result()
    {
        _store.HeadDelay = TimeSpan.FromSeconds(30);
        var entry = Locked("k", new byte[1]);
        using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(100));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () =>
        {
            await foreach (var _ in Validator().ValidateAsync([entry], cts.Token)) { }
        });
    }
}
