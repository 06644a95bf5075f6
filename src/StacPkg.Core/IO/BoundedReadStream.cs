namespace StacPkg.Core.IO;

/// <summary>A read-only view of at most a given number of bytes of another stream; disposing it disposes the inner stream.</summary>
internal sealed class BoundedReadStream : ForwardOnlyReadStream
{
    private readonly Stream _inner;
    private long _remaining;

    public BoundedReadStream(Stream inner, long maxBytes)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(maxBytes);
        _inner = inner;
        _remaining = maxBytes;
    }

    public override int Read(Span<byte> buffer)
    {
        if (_remaining == 0 || buffer.Length == 0) return 0;
        var read = _inner.Read(buffer[..(int)Math.Min(buffer.Length, _remaining)]);
        _remaining -= read;
        return read;
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (_remaining == 0 || buffer.Length == 0) return 0;
        var read = await _inner.ReadAsync(buffer[..(int)Math.Min(buffer.Length, _remaining)], cancellationToken).ConfigureAwait(false);
        _remaining -= read;
        return read;
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing) _inner.Dispose();
        base.Dispose(disposing);
    }

    public override ValueTask DisposeAsync() => _inner.DisposeAsync();
}
