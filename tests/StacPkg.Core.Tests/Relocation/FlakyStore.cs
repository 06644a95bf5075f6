using StacPkg.Core.Stores;

namespace StacPkg.Core.Tests.Relocation;

/// <summary>A store whose first read of each key fails mid-body with a transient error, to prove copies are retried whole.</summary>
internal sealed class FlakyStore(IObjectStore inner) : IObjectStore
{
    private readonly HashSet<string> _failed = [];

    public int Failures { get; private set; }

    public Task<ObjectFacts?> HeadAsync(AssetLocation location, CancellationToken cancellationToken) => inner.HeadAsync(location, cancellationToken);

    public async Task<Stream> OpenReadAsync(AssetLocation location, long offset, long? length, CancellationToken cancellationToken)
    {
        var stream = await inner.OpenReadAsync(location, offset, length, cancellationToken);
        lock (_failed)
        {
            if (!_failed.Add(location.Key)) return stream;
            Failures++;
        }
        return new BrokenAfter(stream, 1000);
    }

    public Task<ObjectFacts> WriteAsync(AssetLocation location, Stream content, long? length, CancellationToken cancellationToken) =>
        inner.WriteAsync(location, content, length, cancellationToken);

    public Task<bool> ExistsAsync(AssetLocation location, CancellationToken cancellationToken) => inner.ExistsAsync(location, cancellationToken);

    public Task DeleteAsync(AssetLocation location, CancellationToken cancellationToken) => inner.DeleteAsync(location, cancellationToken);

    /// <summary>Serves <paramref name="limit"/> bytes, then fails as a reset connection would.</summary>
    private sealed class BrokenAfter(Stream inner, int limit) : Stream
    {
        private int _served;

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => _served; set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count)
        {
            if (_served >= limit) throw new IOException("connection reset (injected)");
            var read = inner.Read(buffer, offset, Math.Min(count, limit - _served));
            _served += read;
            return read;
        }

        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing) inner.Dispose();
            base.Dispose(disposing);
        }
    }
}
