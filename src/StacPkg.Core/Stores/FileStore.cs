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
        try
        {
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            long written;
            using (var file = new AtomicFile(path))
            {
                var bufferSize = (int)Math.Clamp(length ?? CopyBufferSize, BufferSize, CopyBufferSize);
                await content.CopyToAsync(file.Stream, bufferSize, cancellationToken).ConfigureAwait(false);
                written = file.Stream.Length;
                if (length is { } expected && written != expected)
                {
                    // Not committed: the target keeps whatever it was.
                    throw new StoreException(StoreErrorKind.Permanent,
                        $"writing '{path}': the content had {written} bytes, {expected} were expected");
                }
                await file.CommitAsync(cancellationToken).ConfigureAwait(false);
            }
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
