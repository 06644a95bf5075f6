using StacPkg.Core.Lock;
using StacPkg.Core.Stores;

namespace StacPkg.Core.Tests;

public sealed class LocalPathPolicyTests : IDisposable
{
    // root/ holds the user's files, outside/ is elsewhere on the machine.
    private readonly string _dir = LocalPathPolicy.RealPath(Directory.CreateTempSubdirectory("stacpkg-localpath-").FullName);
    private readonly string _root;
    private readonly string _outside;

    public LocalPathPolicyTests()
    {
        _root = Directory.CreateDirectory(Path.Combine(_dir, "root")).FullName;
        _outside = Directory.CreateDirectory(Path.Combine(_dir, "outside")).FullName;
        File.WriteAllText(Path.Combine(_root, "data.tif"), "data");
        File.WriteAllText(Path.Combine(_outside, "secret.txt"), "secret");
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static AssetLockEntry Row(string key, string? packageRoot = null, string storeType = "file") =>
        new() { ItemId = "i1", AssetKey = "data", StoreType = storeType, Key = key, PackageRoot = packageRoot };

    private LocalPathPolicy Policy(bool allowAny = false) => new(_root, null, allowAny);

    [Fact]
    public void Inside_the_root_resolves_to_the_absolute_path()
    {
        Assert.Equal(Path.Combine(_root, "data.tif"), Policy().Resolve(Row("data.tif")).Key);
        Assert.Equal(Path.Combine(_root, "data.tif"), Policy().Resolve(Row(Path.Combine(_root, "data.tif"))).Key);
        Assert.Equal(Path.Combine(_root, "sub", "data.tif"), Policy().Resolve(Row("./sub/../sub/data.tif")).Key);
    }

    [Fact]
    public void Absolute_paths_outside_every_root_are_refused_naming_item_asset_and_key()
    {
        var refused = Assert.Throws<LocalPathRefusedException>(() => Policy().Resolve(Row("/etc/passwd")));
        Assert.Equal("/etc/passwd", refused.Key);
        Assert.Contains("item 'i1' asset 'data'", refused.Message);
        Assert.Contains("'/etc/passwd'", refused.Message);
        Assert.Throws<LocalPathRefusedException>(() => Policy().Resolve(Row(Path.Combine(_outside, "secret.txt"))));
        // A folder whose name only starts like the root's is not inside it.
        Directory.CreateDirectory(_root + "2");
        Assert.Throws<LocalPathRefusedException>(() => Policy().Resolve(Row(Path.Combine(_root + "2", "x"))));
    }

    [Fact]
    public void Relative_keys_that_climb_out_are_refused()
    {
        Assert.Throws<LocalPathRefusedException>(() => Policy().Resolve(Row("../outside/secret.txt")));
        Assert.Throws<LocalPathRefusedException>(() => Policy().Resolve(Row("sub/../../outside/secret.txt")));
    }

    [Fact]
    public void Paths_that_leave_the_root_through_a_symlink_are_refused()
    {
        File.CreateSymbolicLink(Path.Combine(_root, "passwd.tif"), Path.Combine(_outside, "secret.txt"));
        Directory.CreateSymbolicLink(Path.Combine(_root, "linked"), _outside);
        // A relative link target, followed by '..' after it.
        Directory.CreateSymbolicLink(Path.Combine(_root, "up"), "../outside");

        foreach (var key in new[] { "passwd.tif", "linked/secret.txt", Path.Combine(_root, "linked", "secret.txt"), "up/secret.txt" })
        {
            var refused = Assert.Throws<LocalPathRefusedException>(() => Policy().Resolve(Row(key)));
            Assert.Contains("symbolic link", refused.Message);
        }
        // A link that stays inside the root is fine, and what is read is its target.
        File.CreateSymbolicLink(Path.Combine(_root, "alias.tif"), "data.tif");
        Assert.Equal(Path.Combine(_root, "data.tif"), Policy().Resolve(Row("alias.tif")).Key);
    }

    [Fact]
    public void A_link_loop_is_refused_not_followed_forever()
    {
        File.CreateSymbolicLink(Path.Combine(_root, "a"), "b");
        File.CreateSymbolicLink(Path.Combine(_root, "b"), "a");
        Assert.Throws<LocalPathRefusedException>(() => Policy().Resolve(Row("a")));
    }

    [Fact]
    public void Hidden_segments_are_refused_even_inside_the_root()
    {
        foreach (var key in new[] { ".ssh/id_rsa", ".aws/credentials", ".env", "sub/.git/config", Path.Combine(_root, ".env") })
        {
            var refused = Assert.Throws<LocalPathRefusedException>(() => Policy().Resolve(Row(key)));
            Assert.Contains("hidden", refused.Message);
        }
        // The root itself may sit below a hidden folder: only names below the root count.
        var hiddenRoot = Directory.CreateDirectory(Path.Combine(_dir, ".cache", "pkgs")).FullName;
        Assert.Equal(Path.Combine(hiddenRoot, "x.tif"), new LocalPathPolicy(hiddenRoot).Resolve(Row("x.tif")).Key);
    }

    [Fact]
    public void AllowAnyPath_lifts_the_rule_but_keeps_the_resolution()
    {
        Assert.Equal("/etc/passwd", Policy(allowAny: true).Resolve(Row("/etc/passwd")).Key);
        Assert.Equal(Path.Combine(_outside, "secret.txt"), Policy(allowAny: true).Resolve(Row("../outside/secret.txt")).Key);
        Assert.Equal(Path.Combine(_root, ".env"), Policy(allowAny: true).Resolve(Row(".env")).Key);
    }

    [Fact]
    public void Named_roots_replace_the_base_directory()
    {
        var policy = new LocalPathPolicy(_root, [_outside]);
        Assert.Equal(Path.Combine(_outside, "secret.txt"), policy.Resolve(Row(Path.Combine(_outside, "secret.txt"))).Key);
        Assert.Throws<LocalPathRefusedException>(() => policy.Resolve(Row("data.tif")));
    }

    [Fact]
    public void Package_rows_read_inside_their_package_or_a_named_root_only()
    {
        var package = Directory.CreateDirectory(Path.Combine(_outside, "ref.pkg")).FullName;
        // A bundled row is a path inside the package, wherever the current location is.
        Assert.Equal(Path.Combine(package, "assets", "i1", "data.tif"), Policy().Resolve(Row("assets/i1/data.tif", package)).Key);
        // The current location is no root for a package's rows: the package made its choice, not the user.
        Assert.Throws<LocalPathRefusedException>(() => Policy().Resolve(Row("data.tif", package)));
        Assert.Throws<LocalPathRefusedException>(() => Policy().Resolve(Row(Path.Combine(_root, "data.tif"), package)));
        Assert.Throws<LocalPathRefusedException>(() => Policy().Resolve(Row("assets/../../secret.txt", package)));
        Assert.Throws<LocalPathRefusedException>(() => Policy().Resolve(Row("/etc/passwd", package)));
        // An Item's own relative href resolves against the current location, readable once its folder is named.
        Assert.Equal(Path.Combine(_root, "data.tif"), new LocalPathPolicy(_root, [_root]).Resolve(Row("data.tif", package)).Key);
    }

    [Fact]
    public void Rows_of_other_stores_are_left_alone()
    {
        var row = Row("etc/passwd", storeType: "s3");
        row.StoreContainer = "bucket";
        Assert.Equal(row.Location, Policy().Resolve(row));
    }
}
