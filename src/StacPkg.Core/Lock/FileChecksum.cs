using System.Buffers;

namespace StacPkg.Core.Lock;

/// <summary>The lock's <c>file_checksum</c> of some content: a sha2-256 multihash, computed by streaming.</summary>
public static class FileChecksum
{
    private const int BufferSize = 1 << 16;

    /// <summary>Reads <paramref name="content"/> to its end and returns its multihash and length.</summary>
    public static async Task<(string Checksum, long Length)> ComputeWithLengthAsync(Stream content, CancellationToken cancellationToken)
    {
        using var hasher = new MultihashHasher();
        var buffer = ArrayPool<byte>.Shared.Rent(BufferSize);
        try
        {
            int read;
            while ((read = await content.ReadAsync(buffer.AsMemory(0, BufferSize), cancellationToken).ConfigureAwait(false)) > 0)
            {
                hasher.Append(buffer.AsSpan(0, read));
            }
            var length = hasher.Length;
            return (hasher.Finish(), length);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>Reads <paramref name="content"/> to its end and returns its multihash.</summary>
    public static async Task<string> ComputeAsync(Stream content, CancellationToken cancellationToken) =>
        (await ComputeWithLengthAsync(content, cancellationToken).ConfigureAwait(false)).Checksum;

    /// <summary>The multihash of a local file.</summary>
    public static async Task<string> ComputeAsync(string path, CancellationToken cancellationToken)
    {
        await using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, BufferSize, FileOptions.Asynchronous | FileOptions.SequentialScan);
        return await ComputeAsync(stream, cancellationToken).ConfigureAwait(false);
    }
}
