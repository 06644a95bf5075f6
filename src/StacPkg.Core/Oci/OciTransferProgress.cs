namespace StacPkg.Core.Oci;

/// <summary>
/// Counters a push or pull updates from its own thread and a cmdlet reads from the pipeline thread
/// to show progress; reading never blocks the transfer.
/// </summary>
public sealed class OciTransferProgress
{
    private long _bytesDone;
    private long _bytesTotal;
    private string _current = "";

    public long BytesDone => Interlocked.Read(ref _bytesDone);
    public long BytesTotal => Interlocked.Read(ref _bytesTotal);

    /// <summary>What is being transferred now (a layer title).</summary>
    public string Current => Volatile.Read(ref _current);

    internal void AddTotal(long bytes) => Interlocked.Add(ref _bytesTotal, bytes);
    internal void AddDone(long bytes) => Interlocked.Add(ref _bytesDone, bytes);
    internal void SetCurrent(string what) => Volatile.Write(ref _current, what);
}
