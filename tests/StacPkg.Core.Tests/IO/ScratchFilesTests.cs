using StacPkg.Core.IO;

namespace StacPkg.Core.Tests.IO;

/// <summary>What a killed run left beside its target goes; what a live run or the user has there stays.</summary>
public sealed class ScratchFilesTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("stacpkg-scratch-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string File_(string name, DateTime? written = null)
    {
        var path = Path.Combine(_dir, name);
        File.WriteAllText(path, "x");
        File.SetLastWriteTimeUtc(path, written ?? DateTime.UtcNow.AddMinutes(-5));
        return path;
    }

    private string Folder(string name)
    {
        var path = Path.Combine(_dir, name);
        Directory.CreateDirectory(path);
        File.WriteAllText(Path.Combine(path, "items.parquet"), "x");
        Directory.SetLastWriteTimeUtc(path, DateTime.UtcNow.AddMinutes(-5));
        return path;
    }

    private string[] Entries() =>
        Directory.EnumerateFileSystemEntries(_dir).Select(Path.GetFileName).Order(StringComparer.Ordinal).ToArray()!;

    private const string RunA = "0123456789abcdef0123456789abcdef";
    private const string RunB = "fedcba9876543210fedcba9876543210";
    private const string RunC = "00000000000000000000000000000001";

    [Fact]
    public void Entries_of_a_killed_run_are_removed_with_their_folder_and_zip_layers()
    {
        File_($".out.parquet.{RunA}.spool");
        File_($".out.parquet.{RunB}.tmp");
        Folder($".t.pkg.{RunC}.tmp");
        File_($".t.pkg.{RunC}.lock");
        File_($".t.pkg.{RunC}.tmp.layer3");
        var removed = ScratchFiles.RemoveStale(_dir, DateTime.UtcNow);
        Assert.Equal(5, removed.Count);
        Assert.Empty(Entries());
    }

    [Fact]
    public void A_live_run_holding_its_lock_keeps_every_entry_of_its_group()
    {
        Folder($".t.pkg.{RunC}.tmp");
        File_($".t.pkg.{RunC}.tmp.layer0");
        var lockPath = File_($".t.pkg.{RunC}.lock");
        File_($".out.parquet.{RunA}.spool");
        using (new FileStream(lockPath, FileMode.Open, FileAccess.ReadWrite, FileShare.None))
        using (new FileStream(Path.Combine(_dir, $".out.parquet.{RunA}.spool"), FileMode.Open, FileAccess.ReadWrite, FileShare.None))
        {
            Assert.Empty(ScratchFiles.RemoveStale(_dir, DateTime.UtcNow));
        }
        Assert.Equal(4, Entries().Length);
    }

    [Fact]
    public void Entries_written_since_the_run_started_and_names_that_are_not_ours_stay()
    {
        var started = DateTime.UtcNow.AddMinutes(-1);
        File_($".out.parquet.{RunA}.spool", DateTime.UtcNow);
        File_(".thesis.tmp");
        File_($".t.pkg.{RunB}.old"); // a package set aside while replaced: may be a user's folder put back
        File_($".t.pkg.{RunB.ToUpperInvariant()}.tmp");
        File_($"t.pkg.{RunC}.tmp");
        File_("notes.spool");
        Assert.Empty(ScratchFiles.RemoveStale(_dir, started));
        Assert.Equal(6, Entries().Length);
    }
}
