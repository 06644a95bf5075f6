using StacPkg.Core.IO;

namespace StacPkg.Core.Oci;

/// <summary>A read-only pass-through that adds every byte read to a transfer's progress, so an upload reports as it streams.</summary>
internal sealed class ProgressReadStream(Stream inner, OciTransferProgress progress) : ForwardOnlyReadStream
{
    /// <summary>Bytes read so far (to take back from the progress when an attempt is retried).</summary>
    public long BytesRead { get; private set; }

    public override long Position { get => BytesRead; set => throw new NotSupportedException(); }

    public override int Read(Span<byte> buffer) => Counted(inner.Read(buffer));

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
        Counted(await inner.ReadAsync(buffer, cancellationToken).ConfigureAwait(false));

    private int Counted(int read)
    {
        BytesRead += read;
        progress.AddDone(read);
        return read;
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            inner.Dispose();
        }
        base.Dispose(disposing);
    }
}
