using StacPkg.Core.IO;

namespace StacPkg.Core.Oci;

/// <summary>
/// A read-only pass-through over a blob's bytes from <paramref name="position"/> that feeds every
/// read to <paramref name="check"/> before returning it: the read holding the blob's last byte
/// throws instead when the digest is not the announced one, so that byte never reaches the registry.
/// </summary>
internal sealed class DigestCheckingStream(Stream inner, BlobDigestCheck check, long position) : ForwardOnlyReadStream
{
    public override int Read(Span<byte> buffer) => Checked(buffer[..inner.Read(buffer)]);

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        var read = await inner.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
        return Checked(buffer.Span[..read]);
    }

    private int Checked(ReadOnlySpan<byte> data)
    {
        check.Append(position, data);
        position += data.Length;
        return data.Length;
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            inner.Dispose();
        }
        base.Dispose(disposing);
    }

    public override ValueTask DisposeAsync() => inner.DisposeAsync();
}
