using StacPkg.Core.IO;
using StacPkg.Core.Lock;

namespace StacPkg.Core.Relocation;

/// <summary>
/// A read-only pass-through that hashes every byte read, so a copy is hashed while it streams. Given
/// the expected length and checksum, it checks them when the source ends and throws
/// <see cref="ContentMismatchException"/> from that last read: the target store is still inside its
/// write then, so it never commits bytes that are not the locked object.
/// </summary>
internal sealed class HashingReadStream(Stream inner, long? expectedLength = null, string? expectedChecksum = null) : ForwardOnlyReadStream
{
    private readonly MultihashHasher _hasher = new();
    private string? _checksum;

    /// <summary>
    /// The error the source threw (or the mismatch found at its end), if any. The target store wraps
    /// whatever its content stream throws as its own write failure, which would hide that a broken
    /// source read is worth retrying.
    /// </summary>
    public Exception? SourceFailure { get; private set; }

    /// <summary>Bytes read so far.</summary>
    public long BytesRead { get; private set; }

    /// <summary>The multihash of everything read; final once the source has ended.</summary>
    public string FinishChecksum() => _checksum ??= _hasher.Finish();

    public override long Position { get => BytesRead; set => throw new NotSupportedException(); }

    public override int Read(Span<byte> buffer)
    {
        int read;
        try
        {
            read = inner.Read(buffer);
        }
        catch (Exception e)
        {
            SourceFailure ??= e;
            throw;
        }
        return Hashed(buffer[..read], buffer.Length);
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        int read;
        try
        {
            read = await inner.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            SourceFailure ??= e;
            throw;
        }
        return Hashed(buffer.Span[..read], buffer.Length);
    }

    private int Hashed(ReadOnlySpan<byte> data, int asked)
    {
        _hasher.Append(data);
        BytesRead += data.Length;
        if (data.Length == 0 && asked > 0) CheckEnd();
        return data.Length;
    }

    private void CheckEnd()
    {
        var checksum = FinishChecksum();
        var problem = expectedLength is { } length && BytesRead != length
            ? $"the source gave {BytesRead} bytes, {length} were expected"
            : expectedChecksum is not null && checksum != expectedChecksum
                ? $"copied content checksum {Multihash.Shorten(checksum)} != locked {Multihash.Shorten(expectedChecksum)}"
                : null;
        if (problem is null) return;
        var mismatch = new ContentMismatchException(problem);
        SourceFailure ??= mismatch;
        throw mismatch;
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _hasher.Dispose();
            inner.Dispose();
        }
        base.Dispose(disposing);
    }

    public override async ValueTask DisposeAsync()
    {
        _hasher.Dispose();
        await inner.DisposeAsync().ConfigureAwait(false);
        await base.DisposeAsync().ConfigureAwait(false);
    }
}
