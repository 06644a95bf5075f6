namespace StacPkg.Core.IO;

/// <summary>
/// A file written under a temporary name beside its target and renamed over it only on
/// <see cref="Commit"/>, so a failed or stopped write never leaves a partial file under the
/// target name and never damages a file already there.
/// </summary>
public sealed class AtomicFile : IDisposable
{
    private bool _committed;

    public AtomicFile(string targetPath)
    {
        TargetPath = FullPathInExistingFolder(targetPath);
        TempPath = ScratchFiles.NewName(TargetPath, "tmp");
        Stream = new FileStream(TempPath, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, 1 << 16, FileOptions.Asynchronous);
    }

    /// <summary>The full path of <paramref name="path"/>, whose folder must exist: output files are never written into a folder made up on the way.</summary>
    /// <exception cref="DirectoryNotFoundException">The folder does not exist.</exception>
    public static string FullPathInExistingFolder(string path)
    {
        var full = Path.GetFullPath(path);
        var directory = Path.GetDirectoryName(full)!;
        if (!Directory.Exists(directory))
        {
            throw new DirectoryNotFoundException($"the folder '{directory}' does not exist");
        }
        return full;
    }

    public string TargetPath { get; }
    public string TempPath { get; }

    /// <summary>The stream to write the content to.</summary>
    public FileStream Stream { get; }

    /// <summary>
    /// Makes the content durable, moves it over the target, then makes the folder's entry durable (one
    /// folder fsync shared by the renames into the same folder); the fsyncs run off the thread pool.
    /// Content before name: even a power loss leaves the old target or the whole new one.
    /// </summary>
    public async Task CommitAsync(CancellationToken cancellationToken)
    {
        Stream.Flush(flushToDisk: false); // the last buffered bytes to the kernel: no wait for the disk
        await FileDurability.FlushAsync(Stream).ConfigureAwait(false);
        cancellationToken.ThrowIfCancellationRequested();
        if (OperatingSystem.IsWindows())
        {
            // Windows renames no file that is open without FileShare.Delete.
            await Stream.DisposeAsync().ConfigureAwait(false);
            File.Move(TempPath, TargetPath, overwrite: true);
        }
        else
        {
            // Renamed while still open, so its lock is held to the end: a closed temp file looks left
            // behind to another run cleaning the folder (ScratchFiles).
            File.Move(TempPath, TargetPath, overwrite: true);
            await Stream.DisposeAsync().ConfigureAwait(false);
        }
        _committed = true;
        await FileDurability.FlushFolderAsync(Path.GetDirectoryName(TargetPath)!).ConfigureAwait(false);
    }

    /// <summary>Without a commit, removes the temporary file and leaves the target as it was.</summary>
    public void Dispose()
    {
        Stream.Dispose();
        if (!_committed)
        {
            try
            {
                File.Delete(TempPath);
            }
            catch (IOException)
            {
                // Best effort: a leftover hidden temp file is harmless, a masked original error is not.
            }
        }
    }
}
