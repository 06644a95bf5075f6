using StacPkg.Core.IO;

namespace StacPkg.Core.Stores;

/// <summary>
/// A response body that owns its response, turns transport failures into <see cref="StoreException"/>,
/// bounds each read by a timeout, and fails when the body ends before its Content-Length: a truncated
/// download must never look like a short successful one.
/// </summary>
internal sealed class HttpBodyStream : ForwardOnlyReadStream
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

    public override long Position { get => _read; set => throw new NotSupportedException(); }

    public override int Read(Span<byte> buffer)
    {
        // Reads are async underneath (the per-read timeout); a synchronous caller waits for one.
        var rented = System.Buffers.ArrayPool<byte>.Shared.Rent(buffer.Length);
        try
        {
            var count = ReadAsync(rented.AsMemory(0, buffer.Length), CancellationToken.None).AsTask().GetAwaiter().GetResult();
            rented.AsSpan(0, count).CopyTo(buffer);
            return count;
        }
        finally
        {
            System.Buffers.ArrayPool<byte>.Shared.Return(rented);
        }
    }

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
