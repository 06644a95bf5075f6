using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Security.Authentication;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using StacPkg.Core.IO;
using StacPkg.Core.Stores;

namespace StacPkg.Core.Oci;

/// <summary>
/// A client of one registry speaking the OCI Distribution spec over HttpClient: blob HEAD, upload
/// (one PUT, or PATCH chunks), cross-repository mount, download with digest verification, manifest
/// PUT/GET, tag listing. Authentication follows the registry's WWW-Authenticate challenge: Basic,
/// or a Bearer token from the challenge's realm (with the credential as Basic auth, or anonymous).
/// Credentials and tokens go only into Authorization headers, never into a message.
/// </summary>
public sealed class OciRegistryClient : IDisposable
{
    // 1 MiB per blob moving: a sixteenth of the hand-offs (socket, hash, file) of 64 KiB, at ThrottleLimit MiB of memory.
    private const int CopyBufferSize = 1 << 20;
    private const int ErrorBodyLimit = 4096;

    private readonly HttpClient _client;
    private readonly OciRegistryOptions _options;
    private readonly string _registry;
    private readonly Uri _base;
    private readonly string _actions;
    private readonly ConcurrentDictionary<string, string> _tokens = new(StringComparer.Ordinal);
    private OciAuthChallenge? _challenge;

    /// <param name="registry">host[:port]</param>
    /// <param name="push">Whether this client writes (its tokens ask for push as well as pull).</param>
    public OciRegistryClient(string registry, OciRegistryOptions options, bool push)
    {
        _registry = registry;
        _options = options;
        _actions = push ? "pull,push" : "pull";
        _base = new Uri($"{(options.PlainHttp ? "http" : "https")}://{registry}/");
        var handler = new SocketsHttpHandler
        {
            PooledConnectionIdleTimeout = TimeSpan.FromSeconds(60),
            ConnectTimeout = TimeSpan.FromSeconds(15),
            // Registries redirect blob GETs to their storage; .NET drops Authorization on a redirect.
            AllowAutoRedirect = true,
            AutomaticDecompression = DecompressionMethods.None,
            UseCookies = false,
        };
        if (options.SkipCertificateCheck)
        {
            handler.SslOptions.RemoteCertificateValidationCallback = static (_, _, _, _) => true;
        }
        _client = new HttpClient(handler, disposeHandler: true)
        {
            Timeout = Timeout.InfiniteTimeSpan,
            DefaultRequestVersion = HttpVersion.Version11,
        };
        // Registries log the user agent; operators can tell stacpkg pushes from image pushes.
        _client.DefaultRequestHeaders.UserAgent.ParseAdd("StacPkg");
    }

    /// <summary>True when the registry has the blob in <paramref name="repository"/>.</summary>
    public Task<bool> BlobExistsAsync(string repository, string digest, CancellationToken cancellationToken) =>
        Retry.RunAsync(async ct =>
        {
            var what = $"HEAD {repository} blob {digest}";
            using var response = await SendAsync(() => new HttpRequestMessage(HttpMethod.Head, BlobUri(repository, digest)), Scopes(repository), what, ct).ConfigureAwait(false);
            if (response.StatusCode == HttpStatusCode.NotFound)
            {
                return false;
            }
            await EnsureSuccessAsync(response, what, ct).ConfigureAwait(false);
            return true;
        }, _options.Retry, cancellationToken);

    /// <summary>
    /// Asks the registry to mount a blob from <paramref name="fromRepository"/> into <paramref name="repository"/>.
    /// True when mounted; false when the registry did not (the blob is not there, or it does not mount),
    /// and the caller uploads instead.
    /// </summary>
    public Task<bool> MountBlobAsync(string repository, string digest, string fromRepository, CancellationToken cancellationToken) =>
        Retry.RunAsync(async ct =>
        {
            var what = $"mount {digest} from {fromRepository} into {repository}";
            var uri = new Uri(_base, $"v2/{repository}/blobs/uploads/?mount={Uri.EscapeDataString(digest)}&from={Uri.EscapeDataString(fromRepository)}");
            var scopes = new[] { Scope(repository), $"repository:{fromRepository}:pull" };
            using var response = await SendAsync(() => new HttpRequestMessage(HttpMethod.Post, uri) { Content = new ByteArrayContent([]) }, scopes, what, ct).ConfigureAwait(false);
            if (response.StatusCode == HttpStatusCode.Created)
            {
                return true;
            }
            await EnsureSuccessAsync(response, what, ct).ConfigureAwait(false);
            // 202: an upload session was opened instead; give it back rather than leave it dangling.
            if (response.Headers.Location is { } location)
            {
                using var cancel = await SendAsync(() => new HttpRequestMessage(HttpMethod.Delete, new Uri(_base, location)), Scopes(repository), what, ct).ConfigureAwait(false);
            }
            return false;
        }, _options.Retry, cancellationToken);

    /// <summary>
    /// Uploads a blob: one PUT up to <see cref="OciRegistryOptions.ChunkSize"/>, PATCH chunks above it.
    /// <paramref name="open"/> opens the content at a byte offset; each attempt reads it afresh.
    /// </summary>
    public Task PushBlobAsync(string repository, OciDescriptor blob, Func<long, Stream> open, OciTransferProgress progress, CancellationToken cancellationToken) =>
        Retry.RunAsync(async ct =>
        {
            var sent = new List<ProgressReadStream>();
            try
            {
                var what = $"upload {blob.Title ?? blob.Digest} to {repository}";
                var scopes = Scopes(repository);
                using var start = await SendAsync(() => new HttpRequestMessage(HttpMethod.Post, new Uri(_base, $"v2/{repository}/blobs/uploads/")) { Content = new ByteArrayContent([]) }, scopes, what, ct).ConfigureAwait(false);
                await EnsureSuccessAsync(start, what, ct).ConfigureAwait(false);
                var location = LocationOf(start, what);
                if (blob.Size > _options.ChunkSize)
                {
                    for (long offset = 0; offset < blob.Size; offset += _options.ChunkSize)
                    {
                        var length = Math.Min(_options.ChunkSize, blob.Size - offset);
                        var chunkStart = offset;
                        var target = location;
                        using var patch = await SendAsync(() =>
                        {
                            var request = new HttpRequestMessage(HttpMethod.Patch, target) { Content = Content(open, chunkStart, length, progress, sent) };
                            request.Content.Headers.TryAddWithoutValidation("Content-Range", string.Create(CultureInfo.InvariantCulture, $"{chunkStart}-{chunkStart + length - 1}"));
                            return request;
                        }, scopes, what, ct).ConfigureAwait(false);
                        await EnsureSuccessAsync(patch, what, ct).ConfigureAwait(false);
                        location = LocationOf(patch, what);
                    }
                    var done = WithDigest(location, blob.Digest);
                    using var close = await SendAsync(() => new HttpRequestMessage(HttpMethod.Put, done) { Content = new ByteArrayContent([]) }, scopes, what, ct).ConfigureAwait(false);
                    await EnsureCreatedAsync(close, blob.Digest, what, ct).ConfigureAwait(false);
                }
                else
                {
                    var put = WithDigest(location, blob.Digest);
                    using var response = await SendAsync(() => new HttpRequestMessage(HttpMethod.Put, put) { Content = Content(open, 0, blob.Size, progress, sent) }, scopes, what, ct).ConfigureAwait(false);
                    await EnsureCreatedAsync(response, blob.Digest, what, ct).ConfigureAwait(false);
                }
            }
            catch
            {
                // A retry sends the blob again from the start.
                progress.AddDone(-sent.Sum(s => s.BytesRead));
                throw;
            }
        }, _options.Retry, cancellationToken);

    /// <summary>A body of <paramref name="length"/> bytes from <paramref name="offset"/>; <paramref name="sent"/> keeps its stream so a failed attempt's bytes come off the progress again.</summary>
    private static StreamContent Content(Func<long, Stream> open, long offset, long length, OciTransferProgress progress, List<ProgressReadStream> sent)
    {
        var counted = new ProgressReadStream(new BoundedReadStream(open(offset), length), progress);
        sent.Add(counted);
        var content = new StreamContent(counted, CopyBufferSize);
        content.Headers.ContentLength = length;
        content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        return content;
    }

    /// <summary>
    /// Downloads a blob into <paramref name="target"/>, hashing while writing; the size and digest must
    /// match <paramref name="blob"/>. Bytes that do not (a byte flipped on the wire) are fetched again,
    /// up to the retry policy's attempts, before the download fails.
    /// </summary>
    /// <exception cref="OciException">The blob is missing (NotFound), or the bytes are not the blob on every attempt (InvalidArtifact).</exception>
    public async Task DownloadBlobAsync(string repository, OciDescriptor blob, string target, string what, OciTransferProgress progress, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await DownloadBlobOnceAsync(repository, blob, target, what, progress, cancellationToken).ConfigureAwait(false);
                return;
            }
            catch (OciException e) when (e.Kind == OciErrorKind.InvalidArtifact && attempt < _options.Retry.MaxAttempts)
            {
                await Task.Delay(_options.Retry.DelayAfter(attempt, Random.Shared.NextDouble()), cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>One download with transport retries; the bytes not being the blob is thrown, not retried.</summary>
    private Task DownloadBlobOnceAsync(string repository, OciDescriptor blob, string target, string what, OciTransferProgress progress, CancellationToken cancellationToken) =>
        Retry.RunAsync(async ct =>
        {
            long received = 0;
            try
            {
                var response = await SendAsync(() => new HttpRequestMessage(HttpMethod.Get, BlobUri(repository, blob.Digest)), Scopes(repository), what, ct).ConfigureAwait(false);
                await using var body = await OpenBodyAsync(response, what, ct).ConfigureAwait(false);
                // Written synchronously: a write into the page cache takes less than handing it to another thread (what async file I/O does on Linux).
                await using var output = new FileStream(target, FileMode.Create, FileAccess.Write, FileShare.None, 0, FileOptions.None);
                using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
                var buffer = new byte[CopyBufferSize];
                int read;
                // One byte past the size is enough to know the registry sent too much.
                while ((read = await body.ReadAsync(buffer.AsMemory(0, (int)Math.Min(buffer.Length, blob.Size + 1 - received)), ct).ConfigureAwait(false)) > 0)
                {
                    received += read;
                    if (received > blob.Size)
                    {
                        throw new OciException(OciErrorKind.InvalidArtifact, $"{what}: the registry sent more than the {blob.Size} bytes the manifest gives");
                    }
                    hash.AppendData(buffer, 0, read);
                    output.Write(buffer, 0, read);
                    progress.AddDone(read);
                }
                if (received != blob.Size)
                {
                    throw new OciException(OciErrorKind.InvalidArtifact, $"{what}: the registry sent {received} bytes, the manifest gives {blob.Size}");
                }
                var digest = OciDigest.FromHash(hash.GetHashAndReset());
                if (digest != blob.Digest)
                {
                    throw new OciException(OciErrorKind.InvalidArtifact, $"{what}: the bytes the registry sent have digest {digest}, not {blob.Digest}");
                }
            }
            catch
            {
                progress.AddDone(-received);
                throw;
            }
        }, _options.Retry, cancellationToken);

    /// <summary>The manifest bytes and their digest. A digest reference, and the registry's Docker-Content-Digest, must match the bytes.</summary>
    public Task<(byte[] Json, string Digest)> GetManifestAsync(string repository, string reference, CancellationToken cancellationToken) =>
        Retry.RunAsync(async ct =>
        {
            var what = $"manifest {_registry}/{repository}:{reference}";
            var response = await SendAsync(() =>
            {
                var request = new HttpRequestMessage(HttpMethod.Get, new Uri(_base, $"v2/{repository}/manifests/{reference}"));
                request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue(OciMediaTypes.ImageManifest));
                return request;
            }, Scopes(repository), what, ct).ConfigureAwait(false);
            if (response.StatusCode == HttpStatusCode.NotFound)
            {
                response.Dispose();
                throw new OciException(OciErrorKind.NotFound, $"{what}: not found (no such repository, tag or digest)");
            }
            if (response.Content.Headers.ContentLength > OciManifest.MaxSize)
            {
                response.Dispose();
                throw new OciException(OciErrorKind.InvalidArtifact, $"{what}: larger than {OciManifest.MaxSize} bytes");
            }
            var header = response.Headers.TryGetValues("Docker-Content-Digest", out var values) ? values.FirstOrDefault() : null;
            byte[] json;
            await using (var body = await OpenBodyAsync(response, what, ct).ConfigureAwait(false))
            {
                using var buffer = new MemoryStream();
                await new BoundedReadStream(body, OciManifest.MaxSize + 1L).CopyToAsync(buffer, ct).ConfigureAwait(false);
                if (buffer.Length > OciManifest.MaxSize)
                {
                    throw new OciException(OciErrorKind.InvalidArtifact, $"{what}: larger than {OciManifest.MaxSize} bytes");
                }
                json = buffer.ToArray();
            }
            var digest = OciDigest.Of(json);
            var expected = OciDigest.IsValid(reference) ? reference : header;
            if (expected is not null && expected != digest)
            {
                throw new OciException(OciErrorKind.InvalidArtifact, $"{what}: the manifest bytes have digest {digest}, not {expected}");
            }
            return (json, digest);
        }, _options.Retry, cancellationToken);

    /// <summary>Stores a manifest under a tag (or its digest) and returns its digest, checked against the registry's.</summary>
    public Task<string> PutManifestAsync(string repository, string reference, byte[] json, CancellationToken cancellationToken) =>
        Retry.RunAsync(async ct =>
        {
            var what = $"PUT manifest {_registry}/{repository}:{reference}";
            using var response = await SendAsync(() =>
            {
                var content = new ByteArrayContent(json);
                content.Headers.ContentType = new MediaTypeHeaderValue(OciMediaTypes.ImageManifest);
                return new HttpRequestMessage(HttpMethod.Put, new Uri(_base, $"v2/{repository}/manifests/{reference}")) { Content = content };
            }, Scopes(repository), what, ct).ConfigureAwait(false);
            var digest = OciDigest.Of(json);
            await EnsureCreatedAsync(response, digest, what, ct).ConfigureAwait(false);
            return digest;
        }, _options.Retry, cancellationToken);

    /// <summary>Every tag of a repository, following the registry's pagination.</summary>
    public async Task<IReadOnlyList<string>> ListTagsAsync(string repository, CancellationToken cancellationToken)
    {
        var tags = new List<string>();
        Uri? next = new(_base, $"v2/{repository}/tags/list?n=1000");
        while (next is not null)
        {
            var page = next;
            var what = $"tags of {_registry}/{repository}";
            (var names, next) = await Retry.RunAsync(async ct =>
            {
                using var response = await SendAsync(() => new HttpRequestMessage(HttpMethod.Get, page), Scopes(repository), what, ct).ConfigureAwait(false);
                if (response.StatusCode == HttpStatusCode.NotFound)
                {
                    throw new OciException(OciErrorKind.NotFound, $"{what}: no such repository");
                }
                await EnsureSuccessAsync(response, what, ct).ConfigureAwait(false);
                await using var body = await response.Content.ReadAsStreamAsync(ct).ConfigureAwait(false);
                using var document = await JsonDocument.ParseAsync(body, cancellationToken: ct).ConfigureAwait(false);
                var list = new List<string>();
                if (document.RootElement.TryGetProperty("tags", out var array) && array.ValueKind == JsonValueKind.Array)
                {
                    list.AddRange(array.EnumerateArray().Where(t => t.ValueKind == JsonValueKind.String).Select(t => t.GetString()!));
                }
                return (list, NextPage(response));
            }, _options.Retry, cancellationToken).ConfigureAwait(false);
            tags.AddRange(names);
        }
        return tags;
    }

    // Link: </v2/repo/tags/list?n=1000&last=x>; rel="next"
    private Uri? NextPage(HttpResponseMessage response)
    {
        if (!response.Headers.TryGetValues("Link", out var links))
        {
            return null;
        }
        foreach (var link in links)
        {
            var open = link.IndexOf('<', StringComparison.Ordinal);
            var close = link.IndexOf('>', StringComparison.Ordinal);
            if (open >= 0 && close > open && link.Contains("rel=\"next\"", StringComparison.Ordinal))
            {
                return new Uri(_base, link[(open + 1)..close]);
            }
        }
        return null;
    }

    private string Scope(string repository) => $"repository:{repository}:{_actions}";

    private string[] Scopes(string repository) => [Scope(repository)];

    private Uri BlobUri(string repository, string digest) => new(_base, $"v2/{repository}/blobs/{digest}");

    private Uri LocationOf(HttpResponseMessage response, string what) =>
        response.Headers.Location is { } location
            ? new Uri(_base, location)
            : throw new OciException(OciErrorKind.Protocol, $"{what}: the registry answered {(int)response.StatusCode} without an upload Location");

    private static Uri WithDigest(Uri location, string digest)
    {
        var separator = string.IsNullOrEmpty(location.Query) ? "?" : "&";
        return new Uri(location.AbsoluteUri + separator + "digest=" + Uri.EscapeDataString(digest));
    }

    private async Task<Stream> OpenBodyAsync(HttpResponseMessage response, string what, CancellationToken cancellationToken)
    {
        try
        {
            if (response.StatusCode == HttpStatusCode.NotFound)
            {
                throw new OciException(OciErrorKind.NotFound, $"{what}: the registry does not have it ({await ErrorOfAsync(response, cancellationToken).ConfigureAwait(false)})");
            }
            await EnsureSuccessAsync(response, what, cancellationToken).ConfigureAwait(false);
            var body = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
            return new HttpBodyStream(response, body, what, response.Content.Headers.ContentLength, null, _options.RequestTimeout);
        }
        catch
        {
            response.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Sends a request built by <paramref name="create"/> (again after an authentication challenge,
    /// so a body is read afresh), with the Authorization the registry asked for.
    /// </summary>
    private async Task<HttpResponseMessage> SendAsync(Func<HttpRequestMessage> create, IReadOnlyList<string> scopes, string what, CancellationToken cancellationToken)
    {
        for (var attempt = 0; ; attempt++)
        {
            using var request = create();
            await AuthorizeAsync(request, scopes, what, cancellationToken).ConfigureAwait(false);
            var response = await SendOnceAsync(request, what, cancellationToken).ConfigureAwait(false);
            if (response.StatusCode != HttpStatusCode.Unauthorized)
            {
                return response;
            }
            var header = response.Headers.NonValidated.TryGetValues("WWW-Authenticate", out var values) ? values.FirstOrDefault() : null;
            response.Dispose();
            if (attempt > 0 || header is null)
            {
                throw Refused(what);
            }
            OciAuthChallenge challenge;
            try
            {
                challenge = OciAuthChallenge.Parse(header);
            }
            catch (FormatException ex)
            {
                throw new OciException(OciErrorKind.Authentication, $"{what}: the registry {_registry} sent an authentication challenge that does not parse ({ex.Message})");
            }
            if (!challenge.IsBearer && !challenge.IsBasic)
            {
                throw new OciException(OciErrorKind.Authentication, $"{what}: the registry {_registry} asks for {challenge.Scheme} authentication, which is not supported (Basic and Bearer are)");
            }
            if (challenge.IsBasic && _options.Credential is null)
            {
                throw Refused(what);
            }
            _challenge = challenge;
            if (challenge.IsBearer)
            {
                await FetchTokenAsync(challenge, scopes, what, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    private OciException Refused(string what) => _options.Credential is { } credential
        ? new OciException(OciErrorKind.Authentication, $"{what}: authentication failed: the registry {_registry} refused the credentials of user '{credential.UserName}'")
        : new OciException(OciErrorKind.Authentication, $"{what}: authentication required: the registry {_registry} wants credentials (-Credential, or an entry in the Docker config)");

    private async Task AuthorizeAsync(HttpRequestMessage request, IReadOnlyList<string> scopes, string what, CancellationToken cancellationToken)
    {
        switch (_challenge)
        {
            case { IsBasic: true } when _options.Credential is { } credential:
                request.Headers.Authorization = new AuthenticationHeaderValue("Basic", credential.BasicValue);
                break;
            case { IsBearer: true } challenge:
                // Once the registry is known to want tokens, a new scope gets its token up front, saving a 401.
                if (!_tokens.TryGetValue(ScopeKey(scopes), out var token))
                {
                    token = await FetchTokenAsync(challenge, scopes, what, cancellationToken).ConfigureAwait(false);
                }
                request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
                break;
        }
    }

    private static string ScopeKey(IReadOnlyList<string> scopes) => string.Join(' ', scopes);

    /// <summary>Gets a token from the challenge's realm for the challenge's scope and ours, with the credential as Basic auth (or none).</summary>
    private async Task<string> FetchTokenAsync(OciAuthChallenge challenge, IReadOnlyList<string> scopes, string what, CancellationToken cancellationToken)
    {
        if (!Uri.TryCreate(challenge.Realm, UriKind.Absolute, out var realm) || realm.Scheme is not ("https" or "http"))
        {
            throw new OciException(OciErrorKind.Authentication, $"{what}: the registry {_registry} named no usable token realm");
        }
        if (realm.Scheme == "http" && !_options.PlainHttp && _options.Credential is not null)
        {
            throw new OciException(OciErrorKind.Authentication, $"{what}: the registry {_registry} wants credentials sent to a token service over plain http ({realm.Host}); refused without -PlainHttp");
        }
        var query = new StringBuilder();
        if (challenge.Service is { } service)
        {
            query.Append("service=").Append(Uri.EscapeDataString(service));
        }
        var all = new SortedSet<string>(scopes, StringComparer.Ordinal);
        if (challenge.Scope is { } asked)
        {
            all.UnionWith(asked.Split(' ', StringSplitOptions.RemoveEmptyEntries));
        }
        foreach (var scope in all)
        {
            query.Append(query.Length > 0 ? "&" : "").Append("scope=").Append(Uri.EscapeDataString(scope));
        }
        var uri = new UriBuilder(realm) { Query = (realm.Query.TrimStart('?') + (realm.Query.Length > 1 ? "&" : "") + query).TrimStart('&') }.Uri;
        using var request = new HttpRequestMessage(HttpMethod.Get, uri);
        if (_options.Credential is { } credential)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Basic", credential.BasicValue);
        }
        using var response = await SendOnceAsync(request, $"token for {what}", cancellationToken).ConfigureAwait(false);
        if (response.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden)
        {
            throw Refused(what);
        }
        await EnsureSuccessAsync(response, $"token for {what}", cancellationToken).ConfigureAwait(false);
        await using var body = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        string? token = null;
        try
        {
            using var document = await JsonDocument.ParseAsync(body, cancellationToken: cancellationToken).ConfigureAwait(false);
            foreach (var name in new[] { "token", "access_token" })
            {
                if (document.RootElement.ValueKind == JsonValueKind.Object && document.RootElement.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String)
                {
                    token = value.GetString();
                    break;
                }
            }
        }
        catch (JsonException)
        {
            // Reported below without the body: it may hold a secret.
        }
        if (string.IsNullOrEmpty(token))
        {
            throw new OciException(OciErrorKind.Authentication, $"{what}: the token service of {_registry} answered without a token");
        }
        _tokens[ScopeKey(scopes)] = token;
        return token;
    }

    private async Task<HttpResponseMessage> SendOnceAsync(HttpRequestMessage request, string what, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_options.RequestTimeout);
        try
        {
            var response = await _client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token).ConfigureAwait(false);
            // A TLS server sent plain HTTP answers "HTTP/1.0 400 Bad Request" (Go's, as the registry is); no registry answer is HTTP/1.0.
            if (_options.PlainHttp && response.StatusCode == HttpStatusCode.BadRequest && response.Version == HttpVersion.Version10)
            {
                response.Dispose();
                throw new OciException(OciErrorKind.Protocol, $"{what}: {_registry} answered as an HTTPS (TLS) server to plain http: drop -PlainHttp");
            }
            return response;
        }
        catch (OperationCanceledException e) when (!cancellationToken.IsCancellationRequested)
        {
            throw new StoreException(StoreErrorKind.Transient, $"{what}: no answer from {_registry} within {_options.RequestTimeout.TotalSeconds:0.###} s", e);
        }
        catch (HttpRequestException e) when (e.HttpRequestError == HttpRequestError.SecureConnectionError)
        {
            var reason = e.InnerException is AuthenticationException tls ? tls.Message : e.Message;
            throw new OciException(OciErrorKind.Protocol,
                $"{what}: the TLS connection to {_registry} failed: {reason} (a registry with a private CA needs that CA trusted; -SkipCertificateCheck turns verification off; -PlainHttp for a registry without TLS)", e);
        }
        catch (HttpRequestException e)
        {
            throw HttpStore.Failure(e, $"{what} ({_registry})");
        }
    }

    private static async Task EnsureCreatedAsync(HttpResponseMessage response, string digest, string what, CancellationToken cancellationToken)
    {
        await EnsureSuccessAsync(response, what, cancellationToken).ConfigureAwait(false);
        if (response.Headers.TryGetValues("Docker-Content-Digest", out var values) && values.FirstOrDefault() is { } stored && stored != digest)
        {
            throw new OciException(OciErrorKind.InvalidArtifact, $"{what}: the registry stored digest {stored}, not {digest}");
        }
    }

    /// <summary>Throws for a status that is not success: 403 Denied, 404 NotFound, 408/429/5xx a transient store error (retried), others Protocol.</summary>
    private static async Task EnsureSuccessAsync(HttpResponseMessage response, string what, CancellationToken cancellationToken)
    {
        if (response.IsSuccessStatusCode)
        {
            return;
        }
        var status = (int)response.StatusCode;
        var detail = await ErrorOfAsync(response, cancellationToken).ConfigureAwait(false);
        var message = $"{what}: {status} {detail}";
        throw status switch
        {
            403 => new OciException(OciErrorKind.Denied, $"{what}: access denied ({detail})"),
            404 => new OciException(OciErrorKind.NotFound, message),
            408 or 429 or >= 500 => new StoreException(StoreErrorKind.Transient, message),
            _ => new OciException(OciErrorKind.Protocol, message),
        };
    }

    /// <summary>The registry's error codes and messages (<c>{"errors":[{"code","message"}]}</c>), else the reason phrase.</summary>
    private static async Task<string> ErrorOfAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        try
        {
            await using var body = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
            var buffer = new byte[ErrorBodyLimit];
            var length = await body.ReadAtLeastAsync(buffer, buffer.Length, throwOnEndOfStream: false, cancellationToken).ConfigureAwait(false);
            using var document = JsonDocument.Parse(buffer.AsMemory(0, length));
            var errors = document.RootElement.GetProperty("errors").EnumerateArray()
                .Select(e => $"{(e.TryGetProperty("code", out var c) ? c.GetString() : "")} {(e.TryGetProperty("message", out var m) ? m.GetString() : "")}".Trim());
            return string.Join("; ", errors);
        }
        catch (Exception ex) when (ex is JsonException or KeyNotFoundException or InvalidOperationException or IOException or HttpRequestException)
        {
            return response.ReasonPhrase ?? "";
        }
    }

    public void Dispose() => _client.Dispose();
}
