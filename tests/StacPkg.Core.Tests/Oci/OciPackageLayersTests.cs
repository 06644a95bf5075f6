using System.IO.Compression;
using System.Text;
using StacPkg.Core.Oci;
using StacPkg.Core.Packaging;
using StacPkg.Core.Stores;
using StacPkg.Core.Tests.Packaging;

namespace StacPkg.Core.Tests.Oci;

/// <summary>The manifest and layers a package gives, without a registry: determinism and the zip threshold.</summary>
public sealed class OciPackageLayersTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("stacpkg-oci-layers-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    /// <summary>A package of <paramref name="count"/> bundled assets and a README, built from files in <c>src</c>.</summary>
    private async Task<string> BuildAsync(string name, int count)
    {
        var src = Directory.CreateDirectory(Path.Combine(_dir, "src")).FullName;
        var items = new List<StacPkg.Core.Stac.StacItem>();
        for (var i = 0; i < count; i++)
        {
            var file = Path.Combine(src, $"asset{i}.tif");
            await File.WriteAllTextAsync(file, $"bytes of asset {i}");
            items.Add(PackageTestItems.Item($"item-{i:D3}", "col", ("data", file)));
        }
        var readme = Path.Combine(src, "README.md");
        await File.WriteAllTextAsync(readme, "# readme");
        await using var stores = new ObjectStores(new StoreOptions { BaseDirectory = _dir });
        await using var writer = new StacPackageWriter(Path.Combine(_dir, name), new StacPackageOptions { IncludeAssets = true, Include = [readme] }, stores);
        foreach (var item in items)
        {
            await writer.WriteAsync(item, CancellationToken.None);
        }
        return (await writer.CompleteAsync(CancellationToken.None)).Path;
    }

    private async Task<(byte[] Json, List<OciPackageLayer> Layers)> PlanAsync(string package, OciPublishOptions options)
    {
        var scratch = Directory.CreateDirectory(Path.Combine(_dir, $"scratch-{Guid.NewGuid():N}")).FullName;
        var (manifest, layers, _) = await OciPackagePublisher.PlanAsync(package, options, scratch, CancellationToken.None);
        return (manifest.ToJson(), layers);
    }

    [Fact]
    public async Task Links_and_foreign_files_are_refused_unless_skipped_and_then_left_out()
    {
        var package = await PackageContentTests.HostilePackageAsync(_dir, linkBundled: false);

        var refused = await Assert.ThrowsAsync<StacPackageContentException>(() => PlanAsync(package, new OciPublishOptions()));
        Assert.False(refused.Corrupt);
        Assert.Equal([".env", ".git/config", "assets/loop", "passwd.txt", "ssl-link"], refused.Entries.Select(e => e.Path));
        Assert.Contains("passwd.txt", refused.Message);

        var scratch = Directory.CreateDirectory(Path.Combine(_dir, "scratch")).FullName;
        var (_, layers, skipped) = await OciPackagePublisher.PlanAsync(package, new OciPublishOptions { SkipUndefinedContent = true }, scratch, CancellationToken.None);
        Assert.Equal(["README.md", "assets.lock.parquet", "assets/p-a/visual.tif", "assets/p-b/visual.tif", "items.parquet", "stacpkg.manifest.json"],
            layers.Select(l => l.Descriptor.Title));
        Assert.Equal(PackageManifest.MediaType, layers[^1].Descriptor.MediaType);
        Assert.Equal(refused.Entries, skipped);
    }

    [Fact]
    public async Task A_package_whose_files_differ_from_its_manifest_is_refused_even_when_skipping()
    {
        var package = await PackageManifestTests.BundledPackageAsync(_dir, "p");
        await File.AppendAllTextAsync(Path.Combine(package, "README.md"), "changed");

        var refused = await Assert.ThrowsAsync<StacPackageContentException>(() => PlanAsync(package, new OciPublishOptions { SkipUndefinedContent = true }));

        Assert.True(refused.Corrupt);
        Assert.Equal("README.md", Assert.Single(refused.Entries).Path);
    }

    [Fact]
    public async Task Files_untouched_since_the_manifest_announce_its_digests_unread_and_a_file_written_after_it_is_hashed_first()
    {
        var package = await BuildAsync("p", 3);
        var manifestTime = File.GetLastWriteTimeUtc(Path.Combine(package, PackageManifest.FileName));
        var changed = Path.Combine(package, "assets/item-001/data.tif");
        File.SetLastWriteTimeUtc(changed, manifestTime.AddSeconds(1));

        var (_, layers) = await PlanAsync(package, new OciPublishOptions());

        var unverified = layers.ToDictionary(l => l.Descriptor.Title!, l => l.Unverified);
        Assert.False(unverified["assets/item-001/data.tif"]);
        Assert.True(unverified["assets/item-000/data.tif"]);
        Assert.True(unverified["items.parquet"]);
        Assert.False(unverified[PackageManifest.FileName]); // it lists itself nowhere: always hashed
    }

    [Fact]
    public async Task A_file_changed_with_its_size_and_time_forged_is_refused_as_it_goes_into_a_zip_layer()
    {
        var package = await BuildAsync("p", 3);
        var file = Path.Combine(package, "assets/item-002/data.tif");
        var time = File.GetLastWriteTimeUtc(file);
        var bytes = await File.ReadAllBytesAsync(file);
        bytes[0] ^= 1;
        await File.WriteAllBytesAsync(file, bytes);
        File.SetLastWriteTimeUtc(file, time);

        var refused = await Assert.ThrowsAsync<StacPackageContentException>(() => PlanAsync(package, new OciPublishOptions { ZipThreshold = 1 }));

        Assert.True(refused.Corrupt);
        var entry = Assert.Single(refused.Entries);
        Assert.Equal("assets/item-002/data.tif", entry.Path);
        Assert.Contains("its sha256 is", entry.Message);
    }

    [Fact]
    public async Task The_same_package_gives_the_same_manifest_bytes_whatever_the_file_times()
    {
        var one = await BuildAsync("one", 3);
        var two = await BuildAsync("two", 3);
        foreach (var file in Directory.EnumerateFiles(two, "*", SearchOption.AllDirectories))
        {
            File.SetLastWriteTimeUtc(file, new DateTime(2001, 2, 3, 4, 5, 6, DateTimeKind.Utc));
        }

        var (first, layers) = await PlanAsync(one, new OciPublishOptions());
        var (second, _) = await PlanAsync(two, new OciPublishOptions());

        Assert.Equal(first, second);
        Assert.Equal(
            ["README.md", "assets.lock.parquet", "assets/item-000/data.tif", "assets/item-001/data.tif", "assets/item-002/data.tif", "items.parquet", "stacpkg.manifest.json"],
            layers.Select(l => l.Descriptor.Title));
        Assert.DoesNotContain("created", Encoding.UTF8.GetString(first));
    }

    [Fact]
    public async Task Past_the_threshold_bundled_assets_go_into_zip_layers_with_the_same_bytes_every_time()
    {
        var package = await BuildAsync("many", 5);
        var options = new OciPublishOptions { ZipThreshold = 4 };

        var (first, layers) = await PlanAsync(package, options);
        File.SetLastWriteTimeUtc(Path.Combine(package, "assets/item-001/data.tif"), new DateTime(2001, 2, 3, 4, 5, 6, DateTimeKind.Utc));
        var (second, _) = await PlanAsync(package, options);

        Assert.Equal(first, second);
        Assert.Equal(["README.md", "assets.0000.zip", "assets.lock.parquet", "items.parquet", "stacpkg.manifest.json"], layers.Select(l => l.Descriptor.Title));
        var zip = layers.Single(l => l.Descriptor.MediaType == OciMediaTypes.FilesZip);
        using var archive = ZipFile.OpenRead(zip.FullPath);
        Assert.Equal(Enumerable.Range(0, 5).Select(i => $"assets/item-{i:D3}/data.tif"), archive.Entries.Select(e => e.FullName));
        Assert.All(archive.Entries, e => Assert.Equal(new DateTime(1980, 1, 1), e.LastWriteTime.DateTime));
    }

    [Fact]
    public async Task A_zip_layer_extracts_to_the_same_files_and_refuses_entries_that_leave_the_package()
    {
        var package = await BuildAsync("zip", 2);
        var (_, layers) = await PlanAsync(package, new OciPublishOptions { ZipThreshold = 0 });
        var zip = layers.Single(l => l.Descriptor.MediaType == OciMediaTypes.FilesZip);
        var target = Directory.CreateDirectory(Path.Combine(_dir, "extracted")).FullName;

        var locked = await ZipLayer.LockedFilesAsync(package, CancellationToken.None);
        await ZipLayer.ExtractAsync(zip.FullPath, target, "assets.0000.zip", new HashSet<string>(), locked, CancellationToken.None);

        Assert.Equal(File.ReadAllBytes(Path.Combine(package, "assets/item-001/data.tif")), File.ReadAllBytes(Path.Combine(target, "assets/item-001/data.tif")));

        var evil = Path.Combine(_dir, "evil.zip");
        using (var archive = ZipFile.Open(evil, ZipArchiveMode.Create))
        {
            archive.CreateEntry("assets/item-001/data.tif");
            archive.CreateEntry("../evil.txt");
        }
        var into = Directory.CreateDirectory(Path.Combine(_dir, "evil-target")).FullName;
        var error = await Assert.ThrowsAsync<OciException>(() => ZipLayer.ExtractAsync(evil, into, "evil.zip", new HashSet<string>(), locked, CancellationToken.None));
        Assert.Equal(OciErrorKind.InvalidArtifact, error.Kind);
        Assert.Contains("'../evil.txt'", error.Message);
        Assert.False(File.Exists(Path.Combine(_dir, "evil.txt")));
    }

    [Fact]
    public async Task A_zip_entry_that_another_layer_holds_is_refused()
    {
        var package = await BuildAsync("dup", 1);
        var (_, layers) = await PlanAsync(package, new OciPublishOptions { ZipThreshold = 0 });
        var zip = layers.Single(l => l.Descriptor.MediaType == OciMediaTypes.FilesZip);
        var target = Directory.CreateDirectory(Path.Combine(_dir, "dup-target")).FullName;

        var locked = await ZipLayer.LockedFilesAsync(package, CancellationToken.None);

        var error = await Assert.ThrowsAsync<OciException>(() =>
            ZipLayer.ExtractAsync(zip.FullPath, target, "assets.0000.zip", new HashSet<string> { "assets/item-000/data.tif" }, locked, CancellationToken.None));

        Assert.Contains("another layer already holds", error.Message);
    }
}
