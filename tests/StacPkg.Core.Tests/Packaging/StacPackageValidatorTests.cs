using StacPkg.Core.Lock;
using StacPkg.Core.Packaging;
using StacPkg.Core.Stores;

namespace StacPkg.Core.Tests.Packaging;

public sealed class StacPackageValidatorTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("stacpkg-validate-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    internal static async Task<List<StacPackageCheckResult>> ValidateAsync(string path)
    {
        var results = new List<StacPackageCheckResult>();
        await foreach (var result in StacPackageValidator.ValidateAsync(path, default))
        {
            results.Add(result);
        }
        return results;
    }

    private async Task<string> PackageAsync(string name, bool bundle)
    {
        var source = Path.Combine(_dir, "src-" + name);
        Directory.CreateDirectory(source);
        await File.WriteAllTextAsync(Path.Combine(source, "one.tif"), "first asset");
        await File.WriteAllTextAsync(Path.Combine(source, "two.tif"), "second asset");
        var items = new[]
        {
            PackageTestItems.Item(name + "-a", "c", ("visual", Path.Combine(source, "one.tif"))),
            PackageTestItems.Item(name + "-b", "c", ("visual", Path.Combine(source, "two.tif")), ("extra", Path.Combine(source, "two.tif"))),
        };
        var path = Path.Combine(_dir, name);
        await using var stores = new ObjectStores(new StoreOptions());
        await using var writer = new StacPackageWriter(path, new StacPackageOptions { IncludeAssets = bundle, Probe = false, AssetKeys = ["visual"] }, stores);
        foreach (var item in items)
        {
            await writer.WriteAsync(item, default);
        }
        await writer.CompleteAsync(default);
        return path;
    }

    private static List<StacPackageCheckResult> Failed(List<StacPackageCheckResult> results) => results.Where(r => !r.IsValid).ToList();

    /// <summary>The failures besides the manifest's, after asserting that the manifest check names exactly <paramref name="changed"/>.</summary>
    private static List<StacPackageCheckResult> FailedBesidesManifest(List<StacPackageCheckResult> results, string changed)
    {
        var manifest = Assert.Single(Failed(results), r => r.Check == StacPackageValidator.ManifestCheck);
        Assert.Equal(changed, manifest.Target);
        return Failed(results).Where(r => r.Check != StacPackageValidator.ManifestCheck).ToList();
    }

    [Fact]
    public async Task A_whole_package_passes_and_unlocked_assets_are_warnings()
    {
        var results = await ValidateAsync(await PackageAsync("p", bundle: true));
        Assert.Empty(Failed(results));
        Assert.Equal(2, results.Count(r => r.Check == StacPackageValidator.LockRowCheck && r.File is not null));
        var warning = Assert.Single(results, r => r.Status == StacPackageCheckStatus.Warning);
        Assert.Equal("p-b/extra", warning.Target);
    }

    [Fact]
    public async Task A_tampered_bundled_file_is_reported_alone()
    {
        var path = await PackageAsync("p", bundle: true);
        await File.WriteAllTextAsync(Path.Combine(path, "assets", "p-b", "visual.tif"), "second assez");
        var failed = Assert.Single(FailedBesidesManifest(await ValidateAsync(path), "assets/p-b/visual.tif"));
        Assert.Equal(("p-b/visual", "assets/p-b/visual.tif"), (failed.Target, failed.File));
        Assert.Contains("checksum", failed.Message);
    }

    [Fact]
    public async Task A_directory_that_is_not_a_package_is_one_clear_failure()
    {
        var failed = Assert.Single(await ValidateAsync(_dir));
        Assert.Equal(StacPackageValidator.PackageCheck, failed.Check);
        Assert.Contains("is not a package", failed.Message);
        await Assert.ThrowsAsync<StacPackageException>(() => StacPackageInfo.ReadAsync(_dir, default));
    }

    [Fact]
    public async Task A_truncated_table_is_reported_by_name()
    {
        var path = await PackageAsync("p", bundle: false);
        var items = Path.Combine(path, StacPackageLayout.ItemsFileName);
        var bytes = await File.ReadAllBytesAsync(items);
        await File.WriteAllBytesAsync(items, bytes[..(bytes.Length / 2)]);
        var failed = Assert.Single(FailedBesidesManifest(await ValidateAsync(path), StacPackageLayout.ItemsFileName));
        Assert.Equal(StacPackageValidator.ItemsTableCheck, failed.Check);
        Assert.Contains("items.parquet", failed.Message);
        var error = await Assert.ThrowsAsync<StacPackageException>(() => StacPackageInfo.ReadAsync(path, default));
        Assert.Contains("items.parquet", error.Message);
    }

    [Fact]
    public async Task Tables_swapped_are_the_wrong_kind()
    {
        var path = await PackageAsync("p", bundle: false);
        File.Copy(Path.Combine(path, StacPackageLayout.LockFileName), Path.Combine(path, StacPackageLayout.ItemsFileName), overwrite: true);
        var failed = Assert.Single(FailedBesidesManifest(await ValidateAsync(path), StacPackageLayout.ItemsFileName));
        Assert.Contains("expected 'items'", failed.Message);
    }

    [Fact]
    public async Task A_lock_from_another_package_is_reported_both_ways()
    {
        var mine = await PackageAsync("mine", bundle: false);
        var other = await PackageAsync("other", bundle: false);
        File.Copy(Path.Combine(other, StacPackageLayout.LockFileName), Path.Combine(mine, StacPackageLayout.LockFileName), overwrite: true);
        var results = await ValidateAsync(mine);
        var failed = FailedBesidesManifest(results, StacPackageLayout.LockFileName);
        Assert.Equal(["other-a/visual", "other-b/visual"], failed.Select(r => r.Target));
        Assert.All(failed, r => Assert.Contains("no item 'other-", r.Message));
        Assert.Equal(["mine-a/visual", "mine-b/extra", "mine-b/visual"],
            results.Where(r => r.Check == StacPackageValidator.ItemAssetCheck).Select(r => r.Target).Order());
    }

    [Fact]
    public async Task A_lock_row_pointing_out_of_the_package_fails_and_nothing_outside_is_read_or_written()
    {
        var path = await PackageAsync("p", bundle: true);
        var outside = Directory.EnumerateFileSystemEntries(_dir).Order().ToList();
        var rows = new List<AssetLockEntry>();
        await foreach (var row in AssetLockFile.ReadAsync(path, default))
        {
            rows.Add(row.Entry!);
        }
        rows[0].Key = "assets/../../x";
        await AssetLockFile.WriteAsync(Path.Combine(path, StacPackageLayout.LockFileName), rows, default);
        var failed = Assert.Single(FailedBesidesManifest(await ValidateAsync(path), StacPackageLayout.LockFileName));
        Assert.Contains("'assets/../../x' leaves the package", failed.Message);
        Assert.Equal(outside, Directory.EnumerateFileSystemEntries(_dir).Order().ToList());
    }
}
