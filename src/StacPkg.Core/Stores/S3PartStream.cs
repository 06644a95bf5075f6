using StacPkg.Core.IO;

namespace StacPkg.Core.Stores;

/// <summary>
/// The next <c>length</c> bytes of a content stream, as one streamed S3 part. It never disposes the
/// content (the SDK disposes a request's stream, and the next part reads on), and a content that ends
/// before the part is full fails the part's upload instead of sending it short.
/// </summary>
internal sealed class S3PartStream(Stream content, long length) : ForwardOnlyReadStream
{
    private readonly long _length = length;
    private long _remaining = length;

    /// <summary>Bytes of the part read so far.</summary>
    public long BytesRead => _length - _remaining;

    /// <summary>The content ended before the part was full (the SDK wraps that failure in its own).</summary>
    public bool EndedEarly { get; private set; }

    public override int Read(Span<byte> buffer)
    {
        if (_remaining == 0 || buffer.Length == 0) return 0;
        return Counted(content.Read(buffer[..(int)Math.Min(buffer.Length, _remaining)]));
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (_remaining == 0 || buffer.Length == 0) return 0;
        return Counted(await content.ReadAsync(buffer[..(int)Math.Min(buffer.Length, _remaining)], cancellationToken).ConfigureAwait(false));
    }

    private int Counted(int read)
    {
        if (read == 0)
        {
            EndedEarly = true;
            throw new EndOfStreamException($"the content ended {_remaining} bytes short of a {_length}-byte part");
        }
        _remaining -= read;
        return read;
    }
}
