using StacPkg.Core.GeoParquet;
using StacPkg.Core.Lock;
using StacPkg.Core.Packaging;
using StacPkg.Core.Stac;
using StacPkg.Core.Stores;

using StacPkg.Core.Tests.Support;

namespace StacPkg.Core.Tests.Packaging;

public sealed class StacPackageWriterTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("stacpkg-package-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private async Task<StacPackageInfo> BuildAsync(string path, IEnumerable<StacItem> items, StacPackageOptions options, CancellationToken cancellationToken = default)
    {
        await using var stores = new ObjectStores(new StoreOptions { BaseDirectory = _dir });
        await using var writer = new StacPackageWriter(path, options, stores);
        foreach (var item in items)
        {
            await writer.WriteAsync(item, cancellationToken);
        }
        return await writer.CompleteAsync(cancellationToken);
    }

    private static readonly StacPackageOptions NoProbe = new() { Probe = false };

    private static byte[] Bytes(string package, string name) => File.ReadAllBytes(Path.Combine(package, name));

    /// <summary>Everything in the test folder except <paramref name="except"/>: proves a build left nothing behind.</summary>
    private string[] Entries(params string[] except) =>
        Directory.EnumerateFileSystemEntries(_dir).Select(Path.GetFileName).Where(n => !except.Contains(n)).Order(StringComparer.Ordinal).ToArray()!;

    [Fact]
    public async Task Same_items_give_byte_identical_tables_and_so_do_items_read_back()
    {
        var items = Fixtures.ItemFiles().SelectMany(f => Fixtures.LoadItemJson(f)).Select(StacItem.FromJson).ToList();
        var one = Path.Combine(_dir, "one");
        var two = Path.Combine(_dir, "two");
        var three = Path.Combine(_dir, "three");
        await BuildAsync(one, items, NoProbe);
        await BuildAsync(two, Fixtures.ItemFiles().SelectMany(f => Fixtures.LoadItemJson(f)).Select(StacItem.FromJson), NoProbe);
        var readBack = new List<StacItem>();
        await foreach (var item in GeoParquetItemReader.ReadAsync(Path.Combine(one, StacPackageLayout.ItemsFileName), default))
        {
            readBack.Add(item);
        }
        await BuildAsync(three, readBack, NoProbe);
        foreach (var name in new[] { StacPackageLayout.ItemsFileName, StacPackageLayout.LockFileName })
        {
            Assert.True(Bytes(one, name).AsSpan().SequenceEqual(Bytes(two, name)), $"{name}: two builds differ");
            Assert.True(Bytes(one, name).AsSpan().SequenceEqual(Bytes(three, name)), $"{name}: the build from read-back Items differs");
        }
    }

    public static TheoryData<string> ItemSets() => new("fixtures", LazyItems.Generated, LazyItems.Awkward);

    [Theory]
    [MemberData(nameof(ItemSets))]
    public async Task Items_that_are_still_records_give_the_package_of_their_objects(string set)
    {
        var items = set == "fixtures" ? Fixtures.ItemFiles().SelectMany(LazyItems.Eager).ToList() : LazyItems.Eager(set);
        var eager = Path.Combine(_dir, "eager");
        var lazy = Path.Combine(_dir, "lazy");
        await BuildAsync(eager, items, NoProbe);
        await BuildAsync(lazy, items.Select(LazyItems.Of), NoProbe);
        foreach (var name in new[] { StacPackageLayout.ItemsFileName, StacPackageLayout.LockFileName, PackageManifest.FileName })
        {
            Assert.True(Bytes(eager, name).AsSpan().SequenceEqual(Bytes(lazy, name)), $"{name}: the package of records differs");
        }
    }

    [Fact]
    public async Task Info_counts_the_tables_and_renders_markdown()
    {
        var path = Path.Combine(_dir, "pkg");
        var items = PackageTestItems.Remote();
        items[0].Assets["visual"].AdditionalFields["file:size"] = 1000L;
        items[1].Assets["visual"].AdditionalFields["file:size"] = 234L;
        var info = await BuildAsync(path, items, NoProbe);
        Assert.Equal((2L, 3L, 1234L), (info.ItemCount, info.AssetCount, info.KnownAssetBytes));
        Assert.Equal(["col1", "col2"], info.Collections);
        Assert.Equal(["thumbnail", "visual"], info.AssetKeys);
        Assert.Equal([StacPackageLayout.LockFileName, StacPackageLayout.ItemsFileName, PackageManifest.FileName], info.Files.Select(f => f.Path));
        Assert.Equal(["application/vnd.apache.parquet", "application/vnd.apache.parquet", PackageManifest.MediaType], info.Files.Select(f => f.MediaType));
        Assert.Equal(
            $"# stacpkg Inspect\n- Package: {path}\n- Items: 2\n- Collections: col1, col2\n- Assets: 3\n- Asset keys: thumbnail, visual\n- Known asset bytes: 1234\n",
            info.ToMarkdown());
        Assert.Equal(["pkg"], Entries());

        // What the writer reports is what a reader finds.
        var read = await StacPackageInfo.ReadAsync(path, default);
        Assert.Equal(info.ToMarkdown(), read.ToMarkdown());
        Assert.Equal(info.Files, read.Files);
    }

    [Fact]
    public async Task A_given_lock_with_a_duplicate_row_fails_the_build_and_leaves_nothing()
    {
        var row = new AssetLockEntry { ItemId = "a", AssetKey = "visual", StoreType = "https", StoreContainer = "https://example.com", Key = "a.tif" };
        var error = await Assert.ThrowsAsync<StacPackageException>(() =>
            BuildAsync(Path.Combine(_dir, "pkg"), PackageTestItems.Remote(), new StacPackageOptions { AssetLock = [row, row.Clone()] }));
        Assert.Contains("duplicate asset 'visual' of item 'a'", error.Message);
        Assert.Empty(Entries());
    }

    [Fact]
    public async Task AssetKey_filters_the_lock()
    {
        var info = await BuildAsync(Path.Combine(_dir, "pkg"), PackageTestItems.Remote(), NoProbe with { AssetKeys = ["vis*"] });
        Assert.Equal(["visual"], info.AssetKeys);
        Assert.Equal(2, info.AssetCount);
    }

    [Fact]
    public async Task IncludeAssets_copies_bytes_under_safe_names_with_checksums()
    {
        var source = Path.Combine(_dir, "src");
        Directory.CreateDirectory(source);
        await File.WriteAllTextAsync(Path.Combine(source, "visual.tif"), "visual bytes");
        await File.WriteAllTextAsync(Path.Combine(source, "evil.png"), "evil bytes");
        await File.WriteAllTextAsync(Path.Combine(_dir, "README.md"), "read me");
        var items = new[]
        {
            PackageTestItems.Item("a", "c", ("visual", Path.Combine(source, "visual.tif"))),
            PackageTestItems.Item("../up", "c", ("../../x", Path.Combine(source, "evil.png"))),
        };
        var path = Path.Combine(_dir, "pkg");
        var info = await BuildAsync(path, items, new StacPackageOptions { IncludeAssets = true, Include = [Path.Combine(_dir, "README.md")] });

        Assert.Equal(
            ["README.md", "assets.lock.parquet", "assets/___up/___.._x.png", "assets/a/visual.tif", "items.parquet", PackageManifest.FileName],
            info.Files.Select(f => f.Path));
        var rows = new List<AssetLockEntry>();
        await foreach (var row in AssetLockFile.ReadAsync(path, default))
        {
            rows.Add(row.Entry!);
        }
        Assert.Equal(("file", "assets/a/visual.tif", 12L), (rows[0].StoreType, rows[0].Key, rows[0].SizeBytes));
        Assert.Equal(Multihash.Sha256("visual bytes"u8), rows[0].FileChecksum);
        Assert.Equal("assets/___up/___.._x.png", rows[1].Key);
        Assert.Equal(["README.md", "pkg", "src"], Entries());

        var results = await StacPackageValidatorTests.ValidateAsync(path);
        Assert.All(results, r => Assert.True(r.IsValid, r.Message));
    }

    [Fact]
    public async Task IncludeAssets_gives_ids_that_sanitise_alike_their_own_files()
    {
        var source = Directory.CreateDirectory(Path.Combine(_dir, "src")).FullName;
        var ids = new[] { "field/1", "field_1", "Field_1", "caf\u00e9", "cafe\u0301" };
        var items = ids.Select((id, i) =>
        {
            File.WriteAllText(Path.Combine(source, $"{i}.tif"), $"bytes of {id}");
            return PackageTestItems.Item(id, "c", ("data", Path.Combine(source, $"{i}.tif")));
        }).ToList();
        var path = Path.Combine(_dir, "pkg");
        await BuildAsync(path, items, new StacPackageOptions { IncludeAssets = true });

        var rows = new List<AssetLockEntry>();
        await foreach (var row in AssetLockFile.ReadAsync(path, default))
        {
            rows.Add(row.Entry!);
        }
        Assert.Equal(ids, rows.Select(r => r.ItemId));
        Assert.Equal(ids.Length, rows.Select(r => BundledAssetNames.Fold(r.Key)).Distinct().Count());
        Assert.All(rows, r => Assert.Equal($"bytes of {r.ItemId}", File.ReadAllText(Path.Combine(path, r.Key))));
        Assert.All(await StacPackageValidatorTests.ValidateAsync(path), r => Assert.True(r.IsValid, r.Message));
    }

    [Fact]
    public async Task IncludeAssets_refuses_local_files_outside_the_allowed_roots_and_writes_no_package()
    {
        var source = Directory.CreateDirectory(Path.Combine(_dir, "src")).FullName;
        await File.WriteAllTextAsync(Path.Combine(source, "visual.tif"), "visual bytes");
        var items = new[]
        {
            PackageTestItems.Item("a", "c", ("visual", Path.Combine(source, "visual.tif"))),
            PackageTestItems.Item("b", "c", ("passwd", "file:///etc/passwd")),
        };
        var path = Path.Combine(_dir, "pkg");
        var error = await Assert.ThrowsAsync<StacPackageException>(() =>
            BuildAsync(path, items, new StacPackageOptions { IncludeAssets = true, LocalSources = new LocalPathPolicy(_dir, [source]) }));
        Assert.Contains("item 'b' asset 'passwd': the local file '/etc/passwd' is outside the allowed roots", error.Message);
        Assert.Equal(["src"], Entries());
    }

    [Theory]
    [InlineData("a/b", "a_b")]
    [InlineData("..", "__")]
    [InlineData(".hidden", "_hidden")]
    [InlineData("tab\there", "tab_here")]
    [InlineData("c:x", "c_x")]
    [InlineData("trailing. ", "trailing__")]
    [InlineData("", "_")]
    [InlineData("ok é+%", "ok é+%")]
    public void Segments_cannot_escape_or_hide(string name, string expected) => Assert.Equal(expected, PackagePaths.Segment(name));

    [Theory]
    [InlineData("a/b/c.tif", ".tif")]
    [InlineData("a/b/c", "")]
    [InlineData("a/b.d/c", "")]
    [InlineData("a/.tif", "")]
    [InlineData("a/c.t?f", "")]
    public void Extension_comes_from_the_last_segment_and_is_plain(string key, string expected) => Assert.Equal(expected, PackagePaths.Extension(key));

    [Fact]
    public async Task A_failed_asset_copy_leaves_the_previous_package_byte_identical()
    {
        var path = Path.Combine(_dir, "pkg");
        await BuildAsync(path, PackageTestItems.Remote(), NoProbe);
        var before = Snapshot(path);
        var missing = PackageTestItems.Item("z", "c", ("visual", Path.Combine(_dir, "no-such-file.tif")));
        var error = await Assert.ThrowsAsync<StacPackageException>(() =>
            BuildAsync(path, [missing], new StacPackageOptions { IncludeAssets = true, Force = true, Retry = new RetryPolicy { MaxAttempts = 1 } }));
        Assert.Contains("item 'z' asset 'visual'", error.Message);
        Assert.Equal(before, Snapshot(path));
        Assert.Equal(["pkg"], Entries());
    }

    [Fact]
    public async Task A_cancelled_build_leaves_no_target_and_no_temp()
    {
        using var cancel = new CancellationTokenSource();
        var path = Path.Combine(_dir, "pkg");
        await using (var stores = new ObjectStores(new StoreOptions()))
        await using (var writer = new StacPackageWriter(path, NoProbe, stores))
        {
            foreach (var item in PackageTestItems.Remote())
            {
                await writer.WriteAsync(item, cancel.Token);
            }
            cancel.Cancel();
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => writer.CompleteAsync(cancel.Token));
        }
        Assert.Empty(Entries());
    }

    [Fact]
    public async Task An_existing_package_needs_Force_and_is_replaced_whole()
    {
        var path = Path.Combine(_dir, "pkg");
        await BuildAsync(path, PackageTestItems.Remote(), NoProbe);
        var error = await Assert.ThrowsAsync<StacPackageException>(() => BuildAsync(path, PackageTestItems.Remote().Take(1), NoProbe));
        Assert.Contains("-Force", error.Message);
        var info = await BuildAsync(path, PackageTestItems.Remote().Take(1), NoProbe with { Force = true });
        Assert.Equal(1, info.ItemCount);
        Assert.Equal(["pkg"], Entries());
    }

    [Fact]
    public async Task Force_does_not_replace_a_folder_that_is_not_a_package()
    {
        var path = Path.Combine(_dir, "docs");
        Directory.CreateDirectory(path);
        await File.WriteAllTextAsync(Path.Combine(path, "keep.txt"), "mine");
        await Assert.ThrowsAsync<StacPackageException>(() => BuildAsync(path, PackageTestItems.Remote(), NoProbe with { Force = true }));
        Assert.Equal("mine", await File.ReadAllTextAsync(Path.Combine(path, "keep.txt")));
        Assert.Equal(["docs"], Entries());
    }

    [Fact]
    public async Task A_given_lock_is_used_as_is()
    {
        var entries = new[] { new AssetLockEntry { ItemId = "a", AssetKey = "visual", StoreType = "https", StoreContainer = "https://example.com", Key = "a/visual.tif", SizeBytes = 7, ETag = "\"e\"" } };
        var path = Path.Combine(_dir, "pkg");
        var info = await BuildAsync(path, PackageTestItems.Remote().Take(1), new StacPackageOptions { AssetLock = entries });
        Assert.Equal((1L, 7L), (info.AssetCount, info.KnownAssetBytes));
    }

    private static Dictionary<string, string> Snapshot(string path) =>
        Directory.EnumerateFiles(path, "*", SearchOption.AllDirectories)
            .ToDictionary(f => Path.GetRelativePath(path, f), f => Convert.ToHexString(File.ReadAllBytes(f)));
}
