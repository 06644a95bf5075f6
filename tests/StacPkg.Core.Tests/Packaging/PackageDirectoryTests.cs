using StacPkg.Core.Packaging;
using StacPkg.Core.Stores;

namespace StacPkg.Core.Tests.Packaging;

/// <summary>
/// The commit of a package (New-StacPackage and Save-StacPackage share it) against whatever takes
/// the target's name while the package is built: a user's folder, or a second run.
/// </summary>
public sealed class PackageDirectoryTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("stacpkg-commit-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static readonly StacPackageOptions NoProbe = new() { Probe = false };

    private string[] Entries() =>
        Directory.EnumerateFileSystemEntries(_dir).Select(Path.GetFileName).Order(StringComparer.Ordinal).ToArray()!;

    /// <summary>Builds a package whose target is taken by <paramref name="meanwhile"/> after the writer started.</summary>
    private async Task BuildWhileAsync(string path, StacPackageOptions options, Action meanwhile)
    {
        await using var stores = new ObjectStores(new StoreOptions { BaseDirectory = _dir });
        await using var writer = new StacPackageWriter(path, options, stores);
        foreach (var item in PackageTestItems.Remote())
        {
            await writer.WriteAsync(item, default);
        }
        meanwhile();
        await writer.CompleteAsync(default);
    }

    private static void UserFolder(string path)
    {
        Directory.CreateDirectory(path);
        File.WriteAllText(Path.Combine(path, "thesis.txt"), "four years of work");
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_folder_that_appears_during_the_build_is_left_as_it_is(bool force)
    {
        var path = Path.Combine(_dir, "t2.pkg");
        var error = await Assert.ThrowsAsync<StacPackageException>(() => BuildWhileAsync(path, NoProbe with { Force = force }, () => UserFolder(path)));
        Assert.Contains(path, error.Message);
        Assert.Equal("four years of work", File.ReadAllText(Path.Combine(path, "thesis.txt")));
        Assert.Equal(["thesis.txt"], Directory.EnumerateFileSystemEntries(path).Select(Path.GetFileName));
        Assert.Equal(["t2.pkg"], Entries());
    }

    [Fact]
    public async Task An_empty_folder_that_appears_during_the_build_is_not_replaced_without_Force()
    {
        // rename(2) replaces an empty folder silently: the commit must not use it.
        var path = Path.Combine(_dir, "t2.pkg");
        await Assert.ThrowsAsync<StacPackageException>(() => BuildWhileAsync(path, NoProbe, () => Directory.CreateDirectory(path)));
        Assert.Empty(Directory.EnumerateFileSystemEntries(path));
        Assert.Equal(["t2.pkg"], Entries());
    }

    [Fact]
    public async Task With_Force_a_package_that_appears_during_the_build_is_replaced()
    {
        var path = Path.Combine(_dir, "t2.pkg");
        var other = Path.Combine(_dir, "other.pkg");
        await BuildWhileAsync(other, NoProbe, () => { });
        await BuildWhileAsync(path, NoProbe with { Force = true }, () => CopyFolder(other, path));
        Assert.True(StacPackageLayout.IsPackage(path));
        Assert.Equal(["other.pkg", "t2.pkg"], Entries());
    }

    [Fact]
    public async Task Of_runs_racing_into_one_target_exactly_one_commits_and_its_package_stays_whole()
    {
        var path = Path.Combine(_dir, "race.pkg");
        const int Runs = 8;
        for (var round = 0; round < 5; round++)
        {
            var directories = Enumerable.Range(0, Runs).Select(_ => new PackageDirectory(path, replace: false)).ToList();
            for (var i = 0; i < Runs; i++)
            {
                File.WriteAllText(Path.Combine(directories[i].TempPath, "run.txt"), i.ToString(System.Globalization.CultureInfo.InvariantCulture));
            }
            using var start = new Barrier(Runs);
            var commits = directories.Select(d => Task.Run(() =>
            {
                start.SignalAndWait();
                try
                {
                    d.Commit();
                    return true;
                }
                catch (StacPackageException)
                {
                    return false;
                }
                finally
                {
                    d.Abandon();
                }
            })).ToArray();
            var won = await Task.WhenAll(commits);
            Assert.Single(won, w => w);
            Assert.Equal(Array.IndexOf(won, true).ToString(System.Globalization.CultureInfo.InvariantCulture), File.ReadAllText(Path.Combine(path, "run.txt")));
            Assert.Equal(["run.txt"], Directory.EnumerateFileSystemEntries(path).Select(Path.GetFileName));
            Assert.Equal(["race.pkg"], Entries());
            Directory.Delete(path, recursive: true);
        }
    }

    private static void CopyFolder(string from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (var file in Directory.EnumerateFiles(from))
        {
            File.Copy(file, Path.Combine(to, Path.GetFileName(file)));
        }
    }
}
