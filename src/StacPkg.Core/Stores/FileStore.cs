using System.Buffers;
using System.Globalization;
using StacPkg.Core.IO;

namespace StacPkg.Core.Stores;

/// <summary>
/// The local file system as an object store. Relative keys resolve against
/// <see cref="StoreOptions.BaseDirectory"/>, else the current directory. The ETag is derived from
/// mtime and size the way nginx does (<c>"&lt;mtime-hex&gt;-&lt;size-hex&gt;"</c>), so a file and the
/// same file served by nginx agree.
/// </summary>
public sealed class FileStore : IObjectStore
{
    private const int BufferSize = 1 << 16;

    // Large copy buffers: fewer reads, hash updates and (thread-pool) writes per byte; never more than the object.
    private const int CopyBufferSize = 1 << 20;

    // How much of a file is written before the disk is asked to start on it.
    private const long WritebackStretch = 8 << 20;

    public FileStore(StoreOptions? options = null) => BaseDirectory = options?.BaseDirectory;

    public string? BaseDirectory { get; }

    /// <summary>The absolute path of <paramref name="location"/>'s key.</summary>
    public string FullPath(AssetLocation location)
    {
        RequireFile(location);
        return Path.GetFullPath(location.Key, Path.GetFullPath(BaseDirectory ?? Environment.CurrentDirectory));
    }

    public Task<ObjectFacts?> HeadAsync(AssetLocation location, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var path = FullPath(location);
        return Task.FromResult(Guard(path, () => FactsOf(new FileInfo(path))));
    }

    public Task<Stream> OpenReadAsync(AssetLocation location, long offset, long? length, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(offset);
        if (length is { } l) ArgumentOutOfRangeException.ThrowIfNegative(l);
        cancellationToken.ThrowIfCancellationRequested();
        var path = FullPath(location);
        return Task.FromResult(Guard(path, () =>
        {
            Stream stream;
            try
            {
                stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read | FileShare.Delete, BufferSize,
                    FileOptions.Asynchronous | FileOptions.SequentialScan);
            }
            catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
            {
                throw new StoreException(StoreErrorKind.Permanent, $"the file '{path}' does not exist", e);
            }
            stream.Seek(offset, SeekOrigin.Begin);
            return length is { } max ? new BoundedReadStream(stream, max) : stream;
        }));
    }

    public async Task<ObjectFacts> WriteAsync(AssetLocation location, Stream content, long? length, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(content);
        var path = FullPath(location);
        var folder = Path.GetDirectoryName(path)!;
        string? created = null;
        try
        {
            created = CreateFolder(folder);
            long written;
            using (var file = NewFileIn(path))
            {
                written = await CopyAsync(content, file.Stream, length, cancellationToken).ConfigureAwait(false);
                if (length is { } expected && written != expected)
                {
                    // Not committed: the target keeps whatever it was.
                    throw new StoreException(StoreErrorKind.Permanent,
                        $"writing '{path}': the content had {written} bytes, {expected} were expected");
                }
                // Every byte was read (the relocator's checks ran on the last read), written and made durable
                // before the rename; the write returns, and its row counts as copied, once the name is on disk too.
                await file.CommitAsync(cancellationToken).ConfigureAwait(false);
            }
            created = null;
            var facts = FactsOf(new FileInfo(path))
                ?? throw new StoreException(StoreErrorKind.Permanent, $"writing '{path}': the file is gone right after the write");
            if (facts.SizeBytes != written)
            {
                throw new StoreException(StoreErrorKind.Permanent,
                    $"writing '{path}': {written} bytes written but {facts.SizeBytes} stored");
            }
            return facts;
        }
        catch (UnauthorizedAccessException e)
        {
            throw new StoreException(StoreErrorKind.Unauthorized, $"writing '{path}': access denied", e);
        }
        catch (IOException e)
        {
            throw new StoreException(StoreErrorKind.Permanent, $"writing '{path}': {e.Message}", e);
        }
        finally
        {
            // A failed write leaves no trace: the folders it made for the file go again while still empty.
            if (created is not null) RemoveEmptyFolders(folder, created);
        }
    }

    public Task<bool> ExistsAsync(AssetLocation location, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return Task.FromResult(File.Exists(FullPath(location)));
    }

    public Task DeleteAsync(AssetLocation location, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var path = FullPath(location);
        Guard(path, () =>
        {
            File.Delete(path); // a missing file is not an error: the object is gone either way
            return 0;
        });
        return Task.CompletedTask;
    }

    /// <summary>nginx's strong validator: last-modified seconds and size, both lower-case hex.</summary>
    public static string ETagFor(long size, DateTimeOffset lastModified) =>
        string.Create(CultureInfo.InvariantCulture, $"\"{lastModified.ToUnixTimeSeconds():x}-{size:x}\"");

    private static ObjectFacts? FactsOf(FileInfo info)
    {
        if (!info.Exists) return null;
        var modified = new DateTimeOffset(info.LastWriteTimeUtc, TimeSpan.Zero);
        return new ObjectFacts(info.Length, ETagFor(info.Length, modified), modified, MediaTypes.ForPath(info.Name));
    }

    /// <summary>Creates <paramref name="folder"/> and the folders above it that are missing; the highest one created, or null.</summary>
    private static string? CreateFolder(string folder)
    {
        string? highest = null;
        for (var f = folder; f is not null && !Directory.Exists(f); f = Path.GetDirectoryName(f))
        {
            highest = f;
        }
        if (highest is not null) Directory.CreateDirectory(folder);
        return highest;
    }

    /// <summary>Removes <paramref name="folder"/> and its parents up to <paramref name="highest"/>, each only while empty.</summary>
    private static void RemoveEmptyFolders(string folder, string highest)
    {
        for (var f = folder; f is not null && f.Length >= highest.Length; f = Path.GetDirectoryName(f))
        {
            try
            {
                Directory.Delete(f); // refuses a folder another write has put a file in meanwhile
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                return;
            }
        }
    }

    /// <summary>
    /// A new temporary file for <paramref name="path"/>; its folder is made again when a failed write
    /// of another file in it (see <see cref="RemoveEmptyFolders"/>) removed it in between.
    /// </summary>
    private static AtomicFile NewFileIn(string path)
    {
        try
        {
            return new AtomicFile(path);
        }
        catch (DirectoryNotFoundException)
        {
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            return new AtomicFile(path);
        }
    }

    /// <summary>
    /// Copies the content with synchronous writes (the page cache takes them at once; an async file
    /// write costs a thread-pool hop each), starting the disk's work on each large stretch as it is written.
    /// </summary>
    private static async Task<long> CopyAsync(Stream content, FileStream file, long? length, CancellationToken cancellationToken)
    {
        var bufferSize = (int)Math.Clamp(length ?? CopyBufferSize, BufferSize, CopyBufferSize);
        var buffer = ArrayPool<byte>.Shared.Rent(bufferSize);
        try
        {
            long written = 0, flushedTo = 0;
            int read;
            while ((read = await content.ReadAsync(buffer.AsMemory(0, bufferSize), cancellationToken).ConfigureAwait(false)) > 0)
            {
                file.Write(buffer, 0, read);
                written += read;
                if (written - flushedTo >= WritebackStretch)
                {
                    file.Flush(flushToDisk: false);
                    FileDurability.StartWriteback(file.SafeFileHandle, flushedTo, written - flushedTo);
                    flushedTo = written;
                }
            }
            return written;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private static T Guard<T>(string path, Func<T> action)
    {
        try
        {
            return action();
        }
        catch (UnauthorizedAccessException e)
        {
            throw new StoreException(StoreErrorKind.Unauthorized, $"'{path}': access denied", e);
        }
        catch (IOException e) when (e is not FileNotFoundException)
        {
            throw new StoreException(StoreErrorKind.Permanent, $"'{path}': {e.Message}", e);
        }
    }

    private static void RequireFile(AssetLocation location)
    {
        ArgumentNullException.ThrowIfNull(location);
        if (location.StoreType != "file")
        {
            throw new StoreException(StoreErrorKind.Permanent, $"the file store cannot serve a {location.StoreType} location");
        }
    }
}
