namespace StacPkg.Core.Stores;

/// <summary>
/// A response body that owns its response, turns transport failures into <see cref="StoreException"/>,
/// bounds each read by a timeout, and fails when the body ends before its Content-Length: a truncated
/// download must never look like a short successful one.
/// </summary>
internal sealed class HttpBodyStream : Stream
{
    private readonly HttpResponseMessage _response;
    private readonly Stream _body;
    private readonly string _url;
    private readonly long? _expected;
    private readonly long? _limit;
    private readonly TimeSpan _readTimeout;
    private long _read;

    public HttpBodyStream(HttpResponseMessage response, Stream body, string url, long? expectedLength, long? limit, TimeSpan readTimeout)
    {
        _response = response;
        _body = body;
        _url = url;
        _expected = expectedLength;
        _limit = limit;
        _readTimeout = readTimeout;
    }

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => _read; set => throw new NotSupportedException(); }

    public override int Read(byte[] buffer, int offset, int count) =>
        ReadAsync(buffer.AsMemory(offset, count), CancellationToken.None).AsTask().GetAwaiter().GetResult();

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (buffer.Length == 0) return 0;
        if (_limit is { } limit)
        {
            if (_read >= limit) return 0;
            buffer = buffer[..(int)Math.Min(buffer.Length, limit - _read)];
        }

        int count;
        using (var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
        {
            timeout.CancelAfter(_readTimeout);
            try
            {
                count = await _body.ReadAsync(buffer, timeout.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException e) when (!cancellationToken.IsCancellationRequested)
            {
                throw new StoreException(StoreErrorKind.Transient,
                    $"GET {_url}: no data for {_readTimeout.TotalSeconds:0.###} s after {_read} bytes", e);
            }
            catch (Exception e) when (e is IOException or HttpRequestException)
            {
                throw HttpStore.Failure(e, $"GET {_url} after {_read} bytes");
            }
        }

        _read += count;
        if (count == 0 && _expected is { } expected && _read < expected)
        {
            throw new StoreException(StoreErrorKind.Transient,
                $"GET {_url}: the response ended after {_read} of {expected} bytes (truncated body)");
        }
        return count;
    }

    public override void Flush() { }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _body.Dispose();
            _response.Dispose();
        }
        base.Dispose(disposing);
    }
}
