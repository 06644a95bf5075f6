using StacPkg.Core.IO;
using StacPkg.Core.Lock;

namespace StacPkg.Core.Relocation;

/// <summary>A read-only pass-through that hashes every byte read, so a copy is hashed while it streams.</summary>
internal sealed class HashingReadStream(Stream inner) : ForwardOnlyReadStream
{
    private readonly MultihashHasher _hasher = new();

    /// <summary>
    /// The error the source threw, if any. The target store wraps whatever its content stream throws
    /// as its own write failure, which would hide that a broken source read is worth retrying.
    /// </summary>
    public Exception? SourceFailure { get; private set; }

    /// <summary>Bytes read so far.</summary>
    public long BytesRead => _hasher.Length;

    /// <summary>The multihash of everything read; call once, at the end.</summary>
    public string FinishChecksum() => _hasher.Finish();

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
        _hasher.Append(buffer[..read]);
        return read;
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
        _hasher.Append(buffer.Span[..read]);
        return read;
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
