using StacPkg.Core.Packaging;

namespace StacPkg.Core.Tests.Packaging;

/// <summary>
/// Links and foreign files in a package folder (issue 11, defect 1): never followed, never part of the
/// package, each reported by name; a link loop does not hang or break a read.
/// </summary>
public sealed class PackageContentTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("stacpkg-content-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    /// <summary>
    /// A whole package plus what a user (or an attacker) may drop in: links to a secret file and to a
    /// folder outside, a loop, .env, .git/config; with <paramref name="linkBundled"/>, a bundled asset
    /// replaced by a link to an identical file outside.
    /// </summary>
    internal static async Task<string> HostilePackageAsync(string dir, bool linkBundled = true)
    {
        var path = await PackageManifestTests.BundledPackageAsync(dir, "p");
        var outside = Directory.CreateDirectory(Path.Combine(dir, "outside")).FullName;
        await File.WriteAllTextAsync(Path.Combine(outside, "secret.txt"), "root:x:0:0");
        Directory.CreateDirectory(Path.Combine(outside, "ssl", "private"));
        await File.WriteAllTextAsync(Path.Combine(outside, "ssl", "private", "key.pem"), "PRIVATE KEY");
        File.CreateSymbolicLink(Path.Combine(path, "passwd.txt"), Path.Combine(outside, "secret.txt"));
        Directory.CreateSymbolicLink(Path.Combine(path, "ssl-link"), Path.Combine(outside, "ssl"));
        Directory.CreateSymbolicLink(Path.Combine(path, "assets", "loop"), path);
        await File.WriteAllTextAsync(Path.Combine(path, ".env"), "TOKEN=abc");
        Directory.CreateDirectory(Path.Combine(path, ".git"));
        await File.WriteAllTextAsync(Path.Combine(path, ".git", "config"), "[remote]");
        if (!linkBundled)
        {
            return path;
        }
        var bundled = Path.Combine(path, "assets", "p-b", "visual.tif");
        File.Move(bundled, Path.Combine(outside, "visual.tif"));
        File.CreateSymbolicLink(bundled, Path.Combine(outside, "visual.tif"));
        return path;
    }

    private static readonly string[] Undefined = [".env", ".git/config", "assets/loop", "assets/p-b/visual.tif", "passwd.txt", "ssl-link"];

    [Fact]
    public async Task Test_fails_each_link_and_foreign_file_by_name_and_reads_no_bundled_file_through_a_link()
    {
        var results = await StacPackageValidatorTests.ValidateAsync(await HostilePackageAsync(_dir));

        var undefined = results.Where(r => r.Check == StacPackageValidator.UndefinedContentCheck).ToList();
        Assert.Equal(Undefined, undefined.Select(r => r.Target));
        Assert.All(undefined, r => Assert.Equal(StacPackageCheckStatus.Failed, r.Status));
        Assert.Contains("secret.txt", undefined.Single(r => r.Target == "passwd.txt").Message);
        // The linked bundled file has the right bytes; it still fails, because it is not read.
        var row = Assert.Single(results, r => r.Check == StacPackageValidator.LockRowCheck && r.Target == "p-b/visual");
        Assert.Equal(StacPackageCheckStatus.Failed, row.Status);
        Assert.Contains("link", row.Message);
        var manifest = Assert.Single(results, r => r.Check == StacPackageValidator.ManifestCheck && !r.IsValid);
        Assert.Equal("assets/p-b/visual.tif", manifest.Target);
    }

    [Fact]
    public async Task Get_lists_only_the_defined_files_names_the_rest_and_ends_despite_a_loop()
    {
        var path = await HostilePackageAsync(_dir);

        var info = await StacPackageInfo.ReadAsync(path, default);

        Assert.Equal(["README.md", "assets.lock.parquet", "assets/p-a/visual.tif", "items.parquet", PackageManifest.FileName], info.Files.Select(f => f.Path));
        Assert.Equal(Undefined, info.UndefinedEntries.Select(e => e.Path));
        Assert.Equal("assets/p-b/visual.tif", Assert.Single(info.Mismatches).Path);
    }

    [Fact]
    public async Task A_table_that_is_a_link_is_not_read()
    {
        var path = await PackageManifestTests.BundledPackageAsync(_dir, "p");
        var items = Path.Combine(path, StacPackageLayout.ItemsFileName);
        File.Move(items, Path.Combine(_dir, "elsewhere.parquet"));
        File.CreateSymbolicLink(items, Path.Combine(_dir, "elsewhere.parquet"));

        var failed = Assert.Single(await StacPackageValidatorTests.ValidateAsync(path));
        Assert.Equal(StacPackageValidator.PackageCheck, failed.Check);
        Assert.Contains("link", failed.Message);
        var error = await Assert.ThrowsAsync<StacPackageException>(() => StacPackageInfo.ReadAsync(path, default));
        Assert.Contains("items.parquet as a link", error.Message);
    }

    [Fact]
    public async Task Without_a_manifest_the_tables_lock_files_and_visible_top_level_files_are_the_package_and_a_warning_says_so()
    {
        var path = await PackageManifestTests.BundledPackageAsync(_dir, "p");
        File.Delete(Path.Combine(path, PackageManifest.FileName));
        await File.WriteAllTextAsync(Path.Combine(path, "LICENSE"), "CC-BY-4.0");
        await File.WriteAllTextAsync(Path.Combine(path, ".env"), "TOKEN=abc");
        Directory.CreateDirectory(Path.Combine(path, "extra"));
        await File.WriteAllTextAsync(Path.Combine(path, "extra", "notes.txt"), "notes");

        var results = await StacPackageValidatorTests.ValidateAsync(path);

        var warning = Assert.Single(results, r => r.Check == StacPackageValidator.ManifestCheck);
        Assert.Equal(StacPackageCheckStatus.Warning, warning.Status);
        Assert.Contains("no stacpkg.manifest.json", warning.Message);
        Assert.Equal([".env", "extra/notes.txt"], results.Where(r => !r.IsValid).Select(r => r.Target));
        var info = await StacPackageInfo.ReadAsync(path, default);
        Assert.False(info.HasManifest);
        Assert.Equal(["LICENSE", "README.md", "assets.lock.parquet", "assets/p-a/visual.tif", "assets/p-b/visual.tif", "items.parquet"], info.Files.Select(f => f.Path));
    }
}
