using System.Collections.Concurrent;
using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace StacPkg.Core.IO;

/// <summary>
/// Makes written files and renames durable without tying up the thread pool: fsync blocks for as long
/// as the disk takes, and pool threads blocked in it starve every other copy of the run. The calls run
/// on a few dedicated threads, so many are in flight at once (the file system commits its journal for
/// all of them together); the renames into one folder wait for one fsync of that folder, and on Linux
/// a large file's pages are sent to the disk while the rest of it is still being written.
/// </summary>
internal static class FileDurability
{
    // Enough for every copy of a run (-ThrottleLimit 8 by default) to be waiting on the disk at once.
    private const int Threads = 16;
    private const int LinuxSyncFileRangeWrite = 2;

    private static readonly BlockingCollection<(Action Flush, TaskCompletionSource Done)> Work = StartThreads();
    private static readonly ConcurrentDictionary<string, FolderFlush> Folders = new(StringComparer.Ordinal);

    /// <summary>Flushes <paramref name="file"/>'s content and size to the disk (fsync) on a dedicated thread.</summary>
    public static Task FlushAsync(FileStream file) => Run(() => file.Flush(flushToDisk: true));

    /// <summary>
    /// Asks the kernel to start writing <paramref name="count"/> bytes from <paramref name="offset"/>
    /// to the disk now, without waiting (Linux; elsewhere nothing): the fsync at the end then has
    /// little left to do, and the disk works while the network still delivers the rest.
    /// </summary>
    public static void StartWriteback(SafeFileHandle file, long offset, long count)
    {
        if (OperatingSystem.IsLinux())
        {
            // Only a hint: a file system without it still gets its fsync.
            _ = sync_file_range(file, offset, count, LinuxSyncFileRangeWrite);
        }
    }

    /// <summary>
    /// Makes the entries renamed into <paramref name="folder"/> before this call durable: one fsync of
    /// the folder that starts after the call, shared with every caller waiting for the same folder.
    /// On Windows (NTFS journals its metadata itself) nothing is done.
    /// </summary>
    public static Task FlushFolderAsync(string folder)
    {
        if (OperatingSystem.IsWindows()) return Task.CompletedTask;
        var flush = Folders.GetOrAdd(folder, static f => new FolderFlush(f));
        return flush.RequestAsync();
    }

    private static Task Run(Action flush)
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Work.Add((flush, done));
        return done.Task;
    }

    private static BlockingCollection<(Action, TaskCompletionSource)> StartThreads()
    {
        var work = new BlockingCollection<(Action, TaskCompletionSource)>();
        for (var i = 0; i < Threads; i++)
        {
            new Thread(() =>
            {
                foreach (var (flush, done) in work.GetConsumingEnumerable())
                {
                    try
                    {
                        flush();
                        done.SetResult();
                    }
                    catch (Exception e)
                    {
                        done.SetException(e);
                    }
                }
            })
            { IsBackground = true, Name = "StacPkg fsync" }.Start();
        }
        return work;
    }

    // .NET opens no folder as a stream, so the folder's fsync is called directly.
    private static void FlushFolder(string folder)
    {
        using var handle = new SafeFileHandle(open(folder, 0 /* O_RDONLY */), ownsHandle: true);
        if (handle.IsInvalid) throw Failed($"open folder '{folder}'", Marshal.GetLastPInvokeError());
        if (fsync(handle) != 0) throw Failed($"fsync folder '{folder}'", Marshal.GetLastPInvokeError());
    }

    private static IOException Failed(string what, int errno) => new($"{what}: {Marshal.GetPInvokeErrorMessage(errno)}");

    /// <summary>Group commit for one folder: at most one fsync running, and one more gathering the callers that came during it.</summary>
    private sealed class FolderFlush(string folder)
    {
        private readonly object _sync = new();
        private Task? _running;
        private TaskCompletionSource? _next;

        public Task RequestAsync()
        {
            lock (_sync)
            {
                if (_running is null) return StartLocked();
                // The running fsync may have started before the caller's rename: wait for the next one.
                _next ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                return _next.Task;
            }
        }

        private Task StartLocked()
        {
            var flush = Run(() => FlushFolder(folder));
            _running = flush;
            // Not synchronously: a flush already done must not re-enter the lock held here.
            flush.ContinueWith(Finished, CancellationToken.None, TaskContinuationOptions.None, TaskScheduler.Default);
            return flush;
        }

        private void Finished(Task _)
        {
            lock (_sync)
            {
                if (_next is not { } next)
                {
                    _running = null;
                    // Idle: forgotten, so a long run does not keep one entry per folder it ever wrote.
                    Folders.TryRemove(KeyValuePair.Create(folder, this));
                    return;
                }
                _next = null;
                StartLocked().ContinueWith(t =>
                {
                    if (t.Exception is { } e) next.SetException(e.InnerExceptions);
                    else next.SetResult();
                }, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
            }
        }
    }

    [DllImport("libc", SetLastError = true)]
    private static extern int fsync(SafeFileHandle fd);

    [DllImport("libc", SetLastError = true)]
    private static extern int sync_file_range(SafeFileHandle fd, long offset, long count, uint flags);

    [DllImport("libc", SetLastError = true)]
    private static extern int open([MarshalAs(UnmanagedType.LPUTF8Str)] string path, int flags);
}
