using StacPkg.Core.Tests.Support;
using StacPkg.Core.Lock;
using StacPkg.Core.Relocation;
using StacPkg.Core.Stores;

namespace StacPkg.Core.Tests.Relocation;

/// <summary>AssetRelocator between folders: the behaviours that do not depend on the store type.</summary>
public sealed class AssetRelocatorTests : IDisposable
{
    private const int KiB = 1024;
    private readonly RelocationFixture _fixture = new();

    private RelocationDestination Target => RelocationDestination.Parse(Path.Combine(_fixture.Root, "target"));

    private AssetRelocator Relocator(AssetRelocationOptions? options = null) =>
        new(Target, _fixture.StoreFor, (options ?? new AssetRelocationOptions()) with { Retry = RelocationFixture.FastRetry });

    private async Task<List<AssetLockEntry>> SourcesAsync(int count, int size = 3 * KiB)
    {
        var rows = new List<AssetLockEntry>();
        for (var i = 0; i < count; i++)
        {
            var content = TestBytes.Random(size + i, i);
            var path = _fixture.WriteSource($"s{i}/asset.tif", content);
            rows.Add(await _fixture.LockAsync(new AssetLocation("file", null, null, path), $"item{i}", "data", content));
        }
        return rows;
    }

    [Fact]
    public async Task File_to_file_copies_every_row_and_the_new_rows_validate_with_checksums()
    {
        var rows = await SourcesAsync(5);
        using var relocator = Relocator();
        var results = await _fixture.ToListAsync(relocator.RelocateAsync(rows, CancellationToken.None));
        Assert.All(results, r => Assert.Equal(AssetRelocationStatus.Copied, r.Status));
        var targets = results.Select(r => r.Target!).ToList();
        Assert.All(targets, t => Assert.StartsWith(Target.Prefix, t.Key, StringComparison.Ordinal));
        Assert.All(results, r => Assert.Equal(r.Source.FileChecksum, r.Target!.FileChecksum));
        Assert.Empty(await _fixture.ValidateAsync(targets));
        Assert.All(rows, r => Assert.True(File.Exists(r.Key))); // sources are never deleted
    }

    [Fact]
    public async Task Local_sources_outside_the_allowed_roots_are_refused_per_row_and_the_others_copy()
    {
        var rows = await SourcesAsync(2);
        var sources = Path.GetDirectoryName(Path.GetDirectoryName(rows[0].Key))!;
        var passwd = new AssetLockEntry { ItemId = "evil", AssetKey = "passwd", StoreType = "file", Key = "/etc/passwd" };
        var climbing = new AssetLockEntry { ItemId = "evil", AssetKey = "up", StoreType = "file", Key = "../../../../../../../../etc/hostname" };
        using var relocator = Relocator(new AssetRelocationOptions { LocalSources = new LocalPathPolicy(sources) });
        var results = await _fixture.ToListAsync(relocator.RelocateAsync([rows[0], passwd, climbing, rows[1]], CancellationToken.None));

        var refused = results.Where(r => r.Status == AssetRelocationStatus.Refused).ToList();
        Assert.Equal([passwd, climbing], refused.Select(r => r.Source).OrderBy(r => r.AssetKey));
        Assert.All(refused, r => Assert.False(r.Succeeded));
        Assert.Contains("evil/passwd (/etc/passwd): item 'evil' asset 'passwd': the local file '/etc/passwd' is outside the allowed roots", refused.Single(r => r.Source == passwd).Error);
        Assert.Equal(2, results.Count(r => r.Status == AssetRelocationStatus.Copied));
        Assert.False(Directory.Exists(Path.Combine(Target.Prefix, "evil")));
    }

    [Fact]
    public async Task Rows_of_a_package_read_inside_it_and_their_copies_belong_to_no_package()
    {
        var content = TestBytes.Random(2 * KiB, 5);
        var path = _fixture.WriteSource("assets/item0/data.tif", content);
        var row = await _fixture.LockAsync(new AssetLocation("file", null, null, path), "item0", "data", content);
        row.Key = "assets/item0/data.tif";
        row.PackageRoot = Path.Combine(_fixture.Root, "source");
        using var relocator = Relocator(new AssetRelocationOptions { LocalSources = new LocalPathPolicy(Path.Combine(_fixture.Root, "elsewhere")) });
        var result = await relocator.RelocateOneAsync(row, CancellationToken.None);
        Assert.Equal(AssetRelocationStatus.Copied, result.Status);
        Assert.Null(result.Target!.PackageRoot);
    }

    [Fact]
    public async Task A_rerun_skips_every_identical_target()
    {
        var rows = await SourcesAsync(4);
        using var relocator = Relocator();
        await _fixture.ToListAsync(relocator.RelocateAsync(rows, CancellationToken.None));
        var rerun = await _fixture.ToListAsync(relocator.RelocateAsync(rows, CancellationToken.None));
        Assert.All(rerun, r => Assert.Equal(AssetRelocationStatus.Skipped, r.Status));
        Assert.Empty(await _fixture.ValidateAsync(rerun.Select(r => r.Target!)));
    }

    [Fact]
    public async Task A_source_changed_since_locking_is_refused_and_the_others_copy()
    {
        var rows = await SourcesAsync(3);
        File.WriteAllBytes(rows[1].Key, TestBytes.Random(10, 99));
        using var relocator = Relocator();
        var results = await _fixture.ToListAsync(relocator.RelocateAsync(rows, CancellationToken.None));
        var failed = Assert.Single(results, r => r.Status == AssetRelocationStatus.Failed);
        Assert.Same(rows[1], failed.Source);
        Assert.StartsWith("item1/data (", failed.Error);
        Assert.Contains("source changed since locking", failed.Error);
        Assert.Equal(2, results.Count(r => r.Status == AssetRelocationStatus.Copied));
        Assert.False(File.Exists(Target.TargetFor(rows[1], RelocationLayout.ItemAsset).Key));
    }

    [Fact]
    public async Task A_row_that_breaks_a_rule_is_not_copied_and_the_others_copy()
    {
        var rows = await SourcesAsync(3);
        rows[1].SizeBytes = -5;
        rows[2].FileChecksum = "zzzz";
        using var relocator = Relocator();
        var results = await _fixture.ToListAsync(relocator.RelocateAsync(rows, CancellationToken.None));
        Assert.Equal(AssetRelocationStatus.Copied, results.Single(r => r.Source == rows[0]).Status);
        var negative = results.Single(r => r.Source == rows[1]);
        Assert.Equal(AssetRelocationStatus.Failed, negative.Status);
        Assert.Contains("invalid lock row: item 'item1' asset 'data': size_bytes -5 is negative", negative.Error);
        Assert.Contains("file_checksum 'zzzz'", results.Single(r => r.Source == rows[2]).Error);
        Assert.False(File.Exists(Target.TargetFor(rows[1], RelocationLayout.ItemAsset).Key));
        Assert.False(File.Exists(Target.TargetFor(rows[2], RelocationLayout.ItemAsset).Key));
    }

    [Fact]
    public async Task An_existing_different_target_is_refused_without_Force_and_replaced_with_Force()
    {
        var rows = await SourcesAsync(1);
        var target = Target.TargetFor(rows[0], RelocationLayout.ItemAsset).Key;
        Directory.CreateDirectory(Path.GetDirectoryName(target)!);
        File.WriteAllBytes(target, TestBytes.Random(17, 7));

        using (var relocator = Relocator())
        {
            var refused = await relocator.RelocateOneAsync(rows[0], CancellationToken.None);
            Assert.Equal(AssetRelocationStatus.Failed, refused.Status);
            Assert.Contains("exists and differs", refused.Error);
        }
        using (var relocator = Relocator(new AssetRelocationOptions { Force = true }))
        {
            var replaced = await relocator.RelocateOneAsync(rows[0], CancellationToken.None);
            Assert.Equal(AssetRelocationStatus.Copied, replaced.Status);
            Assert.Equal(File.ReadAllBytes(rows[0].Key), File.ReadAllBytes(target));
        }
    }

    [Fact]
    public async Task A_same_size_different_target_is_not_mistaken_for_a_copy()
    {
        var rows = await SourcesAsync(1);
        var target = Target.TargetFor(rows[0], RelocationLayout.ItemAsset).Key;
        Directory.CreateDirectory(Path.GetDirectoryName(target)!);
        File.WriteAllBytes(target, new byte[rows[0].SizeBytes!.Value]);
        using var relocator = Relocator();
        Assert.Equal(AssetRelocationStatus.Failed, (await relocator.RelocateOneAsync(rows[0], CancellationToken.None)).Status);
    }

    [Fact]
    public void A_memory_limit_smaller_than_one_chunk_is_an_error()
    {
        var error = Assert.Throws<ArgumentException>(() => Relocator(new AssetRelocationOptions { ChunkSize = 64 * KiB, MemoryLimit = 32 * KiB }));
        Assert.Contains("one copy cannot fit", error.Message);
    }

    [Fact]
    public async Task Peak_buffered_bytes_never_exceed_the_memory_limit()
    {
        var rows = await SourcesAsync(24, 100 * KiB);
        using var relocator = Relocator(new AssetRelocationOptions { ChunkSize = 64 * KiB, MemoryLimit = 200 * KiB, ThrottleLimit = 16 });
        var results = await _fixture.ToListAsync(relocator.RelocateAsync(rows, CancellationToken.None));
        Assert.All(results, r => Assert.Equal(AssetRelocationStatus.Copied, r.Status));
        Assert.InRange(relocator.PeakBufferedBytes, 64 * KiB, 200 * KiB);
    }

    [Fact]
    public async Task Rows_outside_the_source_prefix_pass_through_unchanged()
    {
        var rows = await SourcesAsync(3);
        var prefix = Path.GetDirectoryName(rows[0].Key)!;
        using var relocator = Relocator(new AssetRelocationOptions { SourcePrefix = prefix });
        var results = await _fixture.ToListAsync(relocator.RelocateAsync(rows, CancellationToken.None));
        Assert.Equal(AssetRelocationStatus.Copied, Assert.Single(results, r => r.Source == rows[0]).Status);
        foreach (var passed in results.Where(r => r.Source != rows[0]))
        {
            Assert.Equal(AssetRelocationStatus.PassedThrough, passed.Status);
            Assert.Same(passed.Source, passed.Target);
        }
    }

    [Fact]
    public async Task Plan_computes_the_new_rows_and_copies_nothing()
    {
        var rows = await SourcesAsync(2);
        using var relocator = Relocator();
        var results = rows.Select(relocator.Plan).ToList();
        Assert.All(results, r => Assert.Equal(AssetRelocationStatus.Planned, r.Status));
        Assert.All(results, r => Assert.Equal(Target.TargetFor(r.Source, RelocationLayout.ItemAsset).Key, r.Target!.Key));
        Assert.All(results, r => Assert.Equal(r.Source.FileChecksum, r.Target!.FileChecksum));
        Assert.False(Directory.Exists(Target.Prefix));
    }

    [Fact]
    public async Task Cancellation_stops_and_leaves_no_partial_object()
    {
        var rows = await SourcesAsync(8, 200 * KiB);
        using var relocator = Relocator();
        using var cancel = new CancellationTokenSource();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () =>
        {
            await foreach (var _ in relocator.RelocateAsync(rows, cancel.Token)) cancel.Cancel();
        });
        // Whatever is in the target folder is a complete copy: no temporary or short file.
        foreach (var file in Directory.Exists(Target.Prefix) ? Directory.GetFiles(Target.Prefix, "*", SearchOption.AllDirectories) : [])
        {
            Assert.Contains(rows, r => Target.TargetFor(r, RelocationLayout.ItemAsset).Key == file && new FileInfo(file).Length == r.SizeBytes);
        }
    }

    [Fact]
    public async Task Content_that_does_not_match_the_locked_checksum_is_removed_from_the_target()
    {
        var rows = await SourcesAsync(1);
        rows[0].FileChecksum = Multihash.Sha256([1, 2, 3]);
        using var relocator = Relocator();
        var result = await relocator.RelocateOneAsync(rows[0], CancellationToken.None);
        Assert.Equal(AssetRelocationStatus.Failed, result.Status);
        Assert.Contains("copied content checksum", result.Error);
        Assert.False(File.Exists(Target.TargetFor(rows[0], RelocationLayout.ItemAsset).Key));
    }

    [Fact]
    public async Task A_copy_broken_mid_stream_is_retried_whole_and_verified()
    {
        var rows = await SourcesAsync(3, 20 * KiB);
        var flaky = new FlakyStore(new FileStore());
        var destination = Target;
        using var relocator = new AssetRelocator(destination, location => location.Key.StartsWith(destination.Prefix, StringComparison.Ordinal) ? _fixture.StoreFor(location) : flaky,
            new AssetRelocationOptions { Retry = RelocationFixture.FastRetry });
        var results = await _fixture.ToListAsync(relocator.RelocateAsync(rows, CancellationToken.None));
        Assert.Equal(3, flaky.Failures);
        Assert.All(results, r => Assert.True(r.Status == AssetRelocationStatus.Copied, r.ToString()));
        Assert.Empty(await _fixture.ValidateAsync(results.Select(r => r.Target!)));
    }

    [Fact]
    public async Task Two_rows_sanitised_onto_one_target_do_not_overwrite_each_other()
    {
        var rows = await SourcesAsync(2);
        rows[0].ItemId = "a b";
        rows[1].ItemId = "a_b";
        using var relocator = Relocator();
        var results = await _fixture.ToListAsync(relocator.RelocateAsync(rows, CancellationToken.None));
        Assert.Single(results, r => r.Status == AssetRelocationStatus.Copied);
        Assert.Contains("is already the target of", Assert.Single(results, r => r.Status == AssetRelocationStatus.Failed).Error);
    }

    public void Dispose() => _fixture.Dispose();
}
