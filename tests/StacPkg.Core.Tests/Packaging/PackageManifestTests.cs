using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using StacPkg.Core.GeoParquet;
using StacPkg.Core.Packaging;
using StacPkg.Core.Stac;
using StacPkg.Core.Stores;

namespace StacPkg.Core.Tests.Packaging;

/// <summary>
/// The package manifest (issue 11, defect 8): a package records the sha256 of its own files, the same
/// package gives the same manifest bytes, and a changed byte that leaves a table readable is found.
/// </summary>
public sealed class PackageManifestTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("stacpkg-manifest-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    internal static async Task<string> BundledPackageAsync(string dir, string name)
    {
        var source = Directory.CreateDirectory(Path.Combine(dir, "src")).FullName;
        await File.WriteAllTextAsync(Path.Combine(source, "one.tif"), "first asset");
        await File.WriteAllTextAsync(Path.Combine(source, "two.tif"), "second asset");
        await File.WriteAllTextAsync(Path.Combine(source, "README.md"), "# read me");
        var items = new[]
        {
            PackageTestItems.Item("p-a", "c", ("visual", Path.Combine(source, "one.tif"))),
            PackageTestItems.Item("p-b", "c", ("visual", Path.Combine(source, "two.tif"))),
        };
        var path = Path.Combine(dir, name);
        await using var stores = new ObjectStores(new StoreOptions());
        await using var writer = new StacPackageWriter(path, new StacPackageOptions { IncludeAssets = true, Include = [Path.Combine(source, "README.md")] }, stores);
        foreach (var item in items)
        {
            await writer.WriteAsync(item, default);
        }
        await writer.CompleteAsync(default);
        return path;
    }

    private static string Sha256(string file) => Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(file))).ToLowerInvariant();

    [Fact]
    public async Task A_package_records_every_other_file_with_its_size_and_sha256_in_the_same_bytes_every_time()
    {
        var one = await BundledPackageAsync(_dir, "one");
        var two = await BundledPackageAsync(_dir, "two");
        var bytes = await File.ReadAllBytesAsync(Path.Combine(one, PackageManifest.FileName));

        Assert.Equal(bytes, await File.ReadAllBytesAsync(Path.Combine(two, PackageManifest.FileName)));
        using var json = JsonDocument.Parse(bytes);
        Assert.Equal("package-manifest", json.RootElement.GetProperty("stacpkg:schema-kind").GetString());
        Assert.Equal("v1", json.RootElement.GetProperty("stacpkg:schema-version").GetString());
        var listed = json.RootElement.GetProperty("files").EnumerateArray()
            .Select(f => (f.GetProperty("path").GetString()!, f.GetProperty("size").GetInt64(), f.GetProperty("sha256").GetString()!)).ToList();
        var onDisk = Directory.EnumerateFiles(one, "*", SearchOption.AllDirectories)
            .Select(f => (Path.GetRelativePath(one, f).Replace('\\', '/'), new FileInfo(f).Length, Sha256(f)))
            .Where(f => f.Item1 != PackageManifest.FileName)
            .OrderBy(f => f.Item1, StringComparer.Ordinal).ToList();
        Assert.Equal(["README.md", "assets.lock.parquet", "assets/p-a/visual.tif", "assets/p-b/visual.tif", "items.parquet"], listed.Select(f => f.Item1));
        Assert.Equal(onDisk, listed);
        Assert.DoesNotContain("created", Encoding.UTF8.GetString(bytes));
    }

    [Fact]
    public async Task A_flipped_byte_that_leaves_items_parquet_readable_fails_the_manifest_check_in_Test_Get_and_Save()
    {
        var path = await BundledPackageAsync(_dir, "p");
        var items = Path.Combine(path, StacPackageLayout.ItemsFileName);
        var original = await File.ReadAllBytesAsync(items);
        var before = await ReadItemsAsync(items);

        // The first single-bit flip, from the start, after which the table still reads but its Items differ.
        var flipped = false;
        for (var i = 4; i < original.Length - 8 && !flipped; i++)
        {
            var bytes = (byte[])original.Clone();
            bytes[i] ^= 0x01;
            await File.WriteAllBytesAsync(items, bytes);
            flipped = await ReadItemsAsync(items) is { } after && after != before;
        }
        Assert.True(flipped, "no flip left items.parquet readable with other values");

        var results = await StacPackageValidatorTests.ValidateAsync(path);
        Assert.Equal(StacPackageCheckStatus.Passed, Assert.Single(results, r => r.Check == StacPackageValidator.ItemsTableCheck).Status);
        var failed = Assert.Single(results, r => !r.IsValid);
        Assert.Equal((StacPackageValidator.ManifestCheck, StacPackageLayout.ItemsFileName), (failed.Check, failed.Target));
        Assert.Contains("sha256", failed.Message);

        var info = await StacPackageInfo.ReadAsync(path, default);
        Assert.Equal(StacPackageLayout.ItemsFileName, Assert.Single(info.Mismatches).Path);
        Assert.Equal(StacPackageLayout.ItemsFileName, Assert.Single(await PackageManifest.VerifyAsync(path, default)).Path);
    }

    /// <summary>The Items of a table as JSON text, or null when it does not read.</summary>
    private static async Task<string?> ReadItemsAsync(string file)
    {
        try
        {
            var text = new StringBuilder();
            await foreach (var item in GeoParquetItemReader.ReadAsync(file, default))
            {
                text.Append(StacItemJson.Serialize(item, indented: false)).Append('\n');
            }
            return text.ToString();
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            return null;
        }
    }

    [Fact]
    public async Task A_manifest_that_does_not_parse_or_names_a_path_outside_fails_and_Get_names_it()
    {
        var path = await BundledPackageAsync(_dir, "p");
        var manifest = Path.Combine(path, PackageManifest.FileName);
        foreach (var text in new[]
        {
            "not json",
            """{"stacpkg:schema-kind":"package-manifest","stacpkg:schema-version":"v1","files":[{"path":"../x","size":1,"sha256":"00"}]}""",
            """{"stacpkg:schema-kind":"items","stacpkg:schema-version":"v1","files":[]}""",
        })
        {
            await File.WriteAllTextAsync(manifest, text);
            var failed = Assert.Single(await StacPackageValidatorTests.ValidateAsync(path), r => r.Check == StacPackageValidator.ManifestCheck);
            Assert.Equal(StacPackageCheckStatus.Failed, failed.Status);
            Assert.Contains(PackageManifest.FileName, failed.Message);
            var error = await Assert.ThrowsAsync<StacPackageException>(() => StacPackageInfo.ReadAsync(path, default));
            Assert.Contains(PackageManifest.FileName, error.Message);
        }
    }
}
