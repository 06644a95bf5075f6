using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;

namespace StacPkg.Core.Stores;

/// <summary>
/// Read-only store for http(s) URLs: HEAD for the facts (GET of one byte when HEAD is refused), GET
/// with Range for content. All instances share one pooled HttpClient, so thousands of rows reuse a
/// few keep-alive connections per origin.
/// </summary>
public sealed class HttpStore : IObjectStore
{
    /// <summary>Enough connections per origin for 64 parallel HEADs.</summary>
    internal const int MaxConnectionsPerServer = 128;

    private static readonly Lazy<HttpClient> SharedClient = new(CreateClient);

    private readonly HttpClient _client;
    private readonly TimeSpan _requestTimeout;

    /// <summary>The limit for a response's headers and for each read of a body, unless given.</summary>
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(60);

    public HttpStore() : this(null, DefaultTimeout) { }

    /// <param name="requestTimeout">Limit for a response's headers, and for each read of a body.</param>
    public HttpStore(TimeSpan requestTimeout) : this(null, requestTimeout) { }

    /// <param name="client">Null for the shared pooled client.</param>
    /// <param name="requestTimeout">Limit for a response's headers, and for each read of a body.</param>
    internal HttpStore(HttpClient? client, TimeSpan requestTimeout)
    {
        _client = client ?? SharedClient.Value;
        _requestTimeout = requestTimeout;
    }

    public async Task<ObjectFacts?> HeadAsync(AssetLocation location, CancellationToken cancellationToken)
    {
        var url = UrlOf(location);
        using (var head = await SendAsync(HttpMethod.Head, url, location, null, cancellationToken).ConfigureAwait(false))
        {
            if (head.StatusCode is not (HttpStatusCode.MethodNotAllowed or HttpStatusCode.NotImplemented))
            {
                if (IsMissing(head.StatusCode)) return null;
                ThrowUnlessSuccess(head, "HEAD", url);
                return FactsOf(head, head.Content.Headers.ContentLength);
            }
        }

        // Some servers (and presigned GET-only URLs) refuse HEAD: one byte of a GET gives the same facts.
        using var get = await SendAsync(HttpMethod.Get, url, location, new RangeHeaderValue(0, 0), cancellationToken).ConfigureAwait(false);
        if (IsMissing(get.StatusCode)) return null;
        if (get.StatusCode == HttpStatusCode.RequestedRangeNotSatisfiable)
        {
            // An empty object has no byte 0; the server says its length in "bytes */0".
            return FactsOf(get, get.Content.Headers.ContentRange?.Length ?? 0);
        }
        ThrowUnlessSuccess(get, "GET", url);
        var size = get.StatusCode == HttpStatusCode.PartialContent
            ? get.Content.Headers.ContentRange?.Length
            : get.Content.Headers.ContentLength; // Range ignored: the full length
        return FactsOf(get, size);
    }

    public async Task<Stream> OpenReadAsync(AssetLocation location, long offset, long? length, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(offset);
        if (length is { } l) ArgumentOutOfRangeException.ThrowIfNegative(l);
        var url = UrlOf(location);
        if (length == 0) return Stream.Null;

        var range = offset > 0 || length is not null
            ? new RangeHeaderValue(offset, length is { } n ? offset + n - 1 : null)
            : null;
        var response = await SendAsync(HttpMethod.Get, url, location, range, cancellationToken).ConfigureAwait(false);
        try
        {
            if (IsMissing(response.StatusCode))
            {
                throw new StoreException(StoreErrorKind.Permanent, $"GET {url}: the object does not exist ({(int)response.StatusCode})");
            }
            ThrowUnlessSuccess(response, "GET", url);
            if (range is not null && response.StatusCode != HttpStatusCode.PartialContent && offset > 0)
            {
                throw new StoreException(StoreErrorKind.Permanent, $"GET {url}: the server ignored the byte range");
            }
            if (response.StatusCode == HttpStatusCode.PartialContent && response.Content.Headers.ContentRange?.From != offset)
            {
                throw new StoreException(StoreErrorKind.Permanent, $"GET {url}: the server answered a different byte range");
            }
            // With a 200 to a ranged request from 0, keep only the bytes asked for.
            long? limit = response.StatusCode == HttpStatusCode.PartialContent ? null : length;
            return await BodyAsync(response, url, limit, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            response.Dispose();
            throw;
        }
    }

    /// <summary>One GET: its headers carry the same facts as a HEAD, so no separate HEAD is sent.</summary>
    public async Task<ObjectRead?> OpenReadWithFactsAsync(AssetLocation location, CancellationToken cancellationToken)
    {
        var url = UrlOf(location);
        var response = await SendAsync(HttpMethod.Get, url, location, null, cancellationToken).ConfigureAwait(false);
        try
        {
            if (IsMissing(response.StatusCode))
            {
                response.Dispose();
                return null;
            }
            ThrowUnlessSuccess(response, "GET", url);
            var facts = FactsOf(response, response.Content.Headers.ContentLength);
            return new ObjectRead(await BodyAsync(response, url, null, cancellationToken).ConfigureAwait(false), facts);
        }
        catch
        {
            response.Dispose();
            throw;
        }
    }

    public Task<ObjectFacts> WriteAsync(AssetLocation location, Stream content, long? length, CancellationToken cancellationToken) =>
        throw new StoreException(StoreErrorKind.Permanent, $"cannot write {UrlOf(location)}: the http store is read-only");

    public async Task<bool> ExistsAsync(AssetLocation location, CancellationToken cancellationToken) =>
        await HeadAsync(location, cancellationToken).ConfigureAwait(false) is not null;

    public Task DeleteAsync(AssetLocation location, CancellationToken cancellationToken) =>
        throw new StoreException(StoreErrorKind.Permanent, $"cannot delete {UrlOf(location)}: the http store is read-only");

    private async Task<Stream> BodyAsync(HttpResponseMessage response, string url, long? limit, CancellationToken cancellationToken)
    {
        var body = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        return new HttpBodyStream(response, body, url, response.Content.Headers.ContentLength, limit, _requestTimeout);
    }

    /// <summary>
    /// The URL of <paramref name="location"/>. It has a query only when the container is a whole URL
    /// with one (a lock row another implementation wrote with an empty key); the row rules keep
    /// signing parameters out of it.
    /// </summary>
    internal static string UrlOf(AssetLocation location)
    {
        ArgumentNullException.ThrowIfNull(location);
        if (location.StoreType is not ("http" or "https"))
        {
            throw new StoreException(StoreErrorKind.Permanent, $"the http store cannot serve a {location.StoreType} location");
        }
        return location.ToHref();
    }

    private async Task<HttpResponseMessage> SendAsync(HttpMethod method, string url, AssetLocation location, RangeHeaderValue? range, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(method, RequestUri(url, QueryStart(location)));
        request.Headers.Range = range;
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_requestTimeout);
        try
        {
            return await _client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException e) when (!cancellationToken.IsCancellationRequested)
        {
            throw new StoreException(StoreErrorKind.Transient, $"{method} {url}: no answer within {_requestTimeout.TotalSeconds:0.###} s", e);
        }
        catch (HttpRequestException e)
        {
            throw Failure(e, $"{method} {url}");
        }
    }

    /// <summary>Where the query of <paramref name="location"/>'s URL starts, or -1: a '?' in a key is part of the object's name.</summary>
    private static int QueryStart(AssetLocation location) =>
        location.Key.Length == 0 && location.Container is { } container ? container.IndexOf('?') : -1;

    /// <summary>
    /// The request URI with the key's percent-encoding untouched (no unescaping, no dot-segment
    /// removal), only characters that cannot go on the wire escaped; from <paramref name="queryStart"/>
    /// on (when not -1), '?' is the query's own character.
    /// </summary>
    private static Uri RequestUri(string url, int queryStart)
    {
        var escaped = new System.Text.StringBuilder(url.Length + 16);
        for (var i = 0; i < url.Length; i++)
        {
            var c = url[i];
            if (c == '?' && queryStart >= 0 && i >= queryStart)
            {
                escaped.Append(c);
            }
            else if (c == '%')
            {
                var validEscape = i + 2 < url.Length && Uri.IsHexDigit(url[i + 1]) && Uri.IsHexDigit(url[i + 2]);
                escaped.Append(validEscape ? "%" : "%25");
            }
            else if (c > ' ' && c < 127 && !"\"<>\\^`{|}#?".Contains(c))
            {
                escaped.Append(c);
            }
            else
            {
                var width = char.IsHighSurrogate(c) && i + 1 < url.Length ? 2 : 1;
                escaped.Append(AssetLocation.EncodePath(url.Substring(i, width)));
                i += width - 1;
            }
        }
        return new Uri(escaped.ToString(), new UriCreationOptions { DangerousDisablePathAndQueryCanonicalization = true });
    }

    private static bool IsMissing(HttpStatusCode status) => status is HttpStatusCode.NotFound or HttpStatusCode.Gone;

    private static void ThrowUnlessSuccess(HttpResponseMessage response, string method, string url)
    {
        if (response.IsSuccessStatusCode) return;
        var status = (int)response.StatusCode;
        var what = $"{method} {url}: {status} {response.ReasonPhrase}";
        var kind = status switch
        {
            401 or 403 => StoreErrorKind.Unauthorized,
            408 or 429 or >= 500 => StoreErrorKind.Transient,
            _ => StoreErrorKind.Permanent,
        };
        throw new StoreException(kind, what);
    }

    private static ObjectFacts FactsOf(HttpResponseMessage response, long? size)
    {
        // Raw header values: the lock records the ETag exactly as the server sent it.
        var etag = response.Headers.NonValidated.TryGetValues("ETag", out var etags) ? etags.FirstOrDefault() : null;
        var contentType = response.Content.Headers.NonValidated.TryGetValues("Content-Type", out var types) ? types.FirstOrDefault() : null;
        return new ObjectFacts(size, etag, response.Content.Headers.LastModified, contentType);
    }

    /// <summary>Maps a transport failure to a store error kind; the message names the request, never a query.</summary>
    internal static StoreException Failure(Exception e, string what)
    {
        var socket = FindInner<SocketException>(e);
        if (socket is { SocketErrorCode: SocketError.ConnectionRefused or SocketError.HostNotFound or SocketError.HostUnreachable
            or SocketError.NetworkUnreachable or SocketError.NoData })
        {
            return new StoreException(StoreErrorKind.Unreachable, $"{what}: {Describe(socket.SocketErrorCode)}", e);
        }
        if (e is HttpRequestException { HttpRequestError: HttpRequestError.NameResolutionError })
        {
            return new StoreException(StoreErrorKind.Unreachable, $"{what}: the host name does not resolve", e);
        }
        if (e is HttpRequestException { HttpRequestError: HttpRequestError.SecureConnectionError })
        {
            return new StoreException(StoreErrorKind.Permanent, $"{what}: the TLS connection failed", e);
        }
        if (FindInner<HttpIOException>(e) is { HttpRequestError: HttpRequestError.ResponseEnded })
        {
            return new StoreException(StoreErrorKind.Transient, $"{what}: the response ended early (truncated body)", e);
        }
        var reason = socket is not null ? Describe(socket.SocketErrorCode)
            : e is HttpRequestException { HttpRequestError: var error } ? error.ToString()
            : e.GetType().Name;
        return new StoreException(StoreErrorKind.Transient, $"{what}: {reason}", e);
    }

    private static string Describe(SocketError error) => error switch
    {
        SocketError.ConnectionRefused => "connection refused",
        SocketError.ConnectionReset => "connection reset",
        SocketError.HostNotFound or SocketError.NoData => "the host name does not resolve",
        SocketError.TimedOut => "timed out",
        _ => error.ToString(),
    };

    private static T? FindInner<T>(Exception? e) where T : Exception
    {
        for (; e is not null; e = e.InnerException)
        {
            if (e is T found) return found;
        }
        return null;
    }

    private static HttpClient CreateClient()
    {
        var handler = new SocketsHttpHandler
        {
            MaxConnectionsPerServer = MaxConnectionsPerServer,
            PooledConnectionIdleTimeout = TimeSpan.FromSeconds(60),
            // Recycle connections now and then so DNS changes are picked up in long runs.
            PooledConnectionLifetime = TimeSpan.FromMinutes(5),
            ConnectTimeout = TimeSpan.FromSeconds(15),
            AllowAutoRedirect = true,
            MaxAutomaticRedirections = 10,
            // Facts and checksums are about the stored bytes, not a decoded representation.
            AutomaticDecompression = DecompressionMethods.None,
            UseCookies = false,
        };
        return new HttpClient(handler, disposeHandler: true)
        {
            Timeout = Timeout.InfiniteTimeSpan, // per request instead: bodies may stream for a long time
            DefaultRequestVersion = HttpVersion.Version11,
        };
    }
}
