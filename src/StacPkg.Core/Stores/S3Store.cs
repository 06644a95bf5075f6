using System.Net;
using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using Amazon;
using Amazon.Runtime;
using Amazon.Runtime.Internal;
using Amazon.S3;
using Amazon.S3.Model;
using StacPkg.Core.Lock;

namespace StacPkg.Core.Stores;

/// <summary>
/// An S3 endpoint (AWS or S3-compatible) through AWSSDK.S3, with one client reused for every object.
/// Credentials come from the standard AWS chain (environment, profile, SSO, instance role).
/// </summary>
public sealed class S3Store : IObjectStore, IDisposable
{
    /// <summary>S3's smallest part, except for the last one.</summary>
    public const int MinimumPartSize = 5 * 1024 * 1024;

    /// <summary>S3's largest part number.</summary>
    private const int MaximumParts = 10_000;

    /// <summary>The smallest streamed part: a streamed part costs no memory, only a request.</summary>
    private const long StreamedPartSize = 64L * 1024 * 1024;

    private const string DefaultCustomRegion = "us-east-1";

    private readonly Client _client;
    private readonly bool _customEndpoint;
    private readonly long _multipartThreshold;
    private readonly int _partSize;
    private readonly BlockBufferPool _buffers;

    /// <summary>
    /// A store for <paramref name="endpointUrl"/> (the row's endpoint), else <see cref="StoreOptions.S3EndpointUrl"/>,
    /// else AWS_ENDPOINT_URL, else AWS itself. Objects up to <paramref name="multipartThreshold"/> bytes are
    /// buffered and written with one PutObject; larger ones are a multipart upload whose parts stream from
    /// the content unbuffered (at least <paramref name="partSize"/> bytes each), and content of unknown
    /// length is buffered a <paramref name="partSize"/>-byte part at a time.
    /// </summary>
    public S3Store(string? endpointUrl, StoreOptions options, long multipartThreshold = 16 * 1024 * 1024, int partSize = 8 * 1024 * 1024)
        : this(endpointUrl, options, credentials: null, multipartThreshold, partSize)
    {
    }

    /// <summary>Same, with explicit credentials instead of the AWS chain (tests).</summary>
    internal S3Store(string? endpointUrl, StoreOptions options, AWSCredentials? credentials, long multipartThreshold = 16 * 1024 * 1024, int partSize = 8 * 1024 * 1024)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentOutOfRangeException.ThrowIfNegative(multipartThreshold);
        ArgumentOutOfRangeException.ThrowIfLessThan(partSize, MinimumPartSize);
        _multipartThreshold = multipartThreshold;
        _partSize = partSize;
        _buffers = new BlockBufferPool(partSize);

        var endpoint = FirstNonEmpty(endpointUrl, options.S3EndpointUrl, Environment.GetEnvironmentVariable("AWS_ENDPOINT_URL"));
        _customEndpoint = endpoint is not null;
        Endpoint = endpoint;
        var region = FirstNonEmpty(Environment.GetEnvironmentVariable("AWS_REGION"), Environment.GetEnvironmentVariable("AWS_DEFAULT_REGION"));

        // The SDK's copy buffer stays at its default: a 128 KiB buffer saved ~0.6 s CPU per GiB uploaded
        // but cost ~1.5 s CPU per 10,000 HEADs (validation), since every request allocates one.
        var config = new AmazonS3Config { HttpClientFactory = new S3HttpClientFactory() };
        if (endpoint is not null)
        {
            try
            {
                StoreEndpoint.Check(endpoint);
            }
            catch (FormatException e)
            {
                throw new StoreException(StoreErrorKind.Permanent, $"S3: {e.Message}", e);
            }
            var uri = new Uri(endpoint);
            config.ServiceURL = uri.GetLeftPart(UriPartial.Path);
            config.ForcePathStyle = true; // S3-compatible servers rarely resolve bucket subdomains
            config.AuthenticationRegion = region ?? DefaultCustomRegion;
            // AWSSDK.S3 4.x defaults to flexible checksums with aws-chunked framing, which s3rver and other
            // S3-compatible servers store as part of the object; ask for checksums only where S3 requires them.
            config.RequestChecksumCalculation = RequestChecksumCalculation.WHEN_REQUIRED;
            config.ResponseChecksumValidation = ResponseChecksumValidation.WHEN_REQUIRED;
        }
        else
        {
            config.RegionEndpoint = region is not null
                ? RegionEndpoint.GetBySystemName(region)
                : FallbackRegionFactory.GetRegionEndpoint() ?? RegionEndpoint.USEast1;
        }

        _client = credentials is null ? new Client(config) : new Client(credentials, config);
    }

    /// <summary>The custom endpoint in use, or null for AWS.</summary>
    public string? Endpoint { get; }

    public async Task<ObjectFacts?> HeadAsync(AssetLocation location, CancellationToken cancellationToken)
    {
        var (bucket, key) = Split(location);
        try
        {
            var response = await _client.GetObjectMetadataAsync(new GetObjectMetadataRequest { BucketName = bucket, Key = key }, cancellationToken).ConfigureAwait(false);
            return new ObjectFacts(
                response.Headers.ContentLength,
                response.ETag,
                Utc(response.LastModified),
                string.IsNullOrEmpty(response.Headers.ContentType) ? null : response.Headers.ContentType);
        }
        catch (AmazonS3Exception e) when (e.StatusCode == HttpStatusCode.NotFound && e.ErrorCode is null or "NotFound" or "NoSuchKey")
        {
            // A HEAD has no error body, so a missing bucket also lands here: the object is missing either way.
            return null;
        }
        catch (Exception e) when (IsStoreFailure(e, cancellationToken))
        {
            throw S3Errors.Map(e, Describe(bucket, key), "head");
        }
    }

    public async Task<Stream> OpenReadAsync(AssetLocation location, long offset, long? length, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(offset);
        if (length is < 0) throw new ArgumentOutOfRangeException(nameof(length));
        var (bucket, key) = Split(location);
        if (length == 0) return Stream.Null; // S3 has no empty range
        var request = new GetObjectRequest { BucketName = bucket, Key = key };
        if (offset > 0 || length is not null)
            request.ByteRange = length is { } count ? new ByteRange(offset, offset + count - 1) : new ByteRange($"bytes={offset}-");
        try
        {
            var response = await _client.GetObjectAsync(request, cancellationToken).ConfigureAwait(false);
            return response.ResponseStream; // disposing it releases the connection
        }
        catch (Exception e) when (IsStoreFailure(e, cancellationToken))
        {
            throw S3Errors.Map(e, Describe(bucket, key), "read");
        }
    }

    public async Task<ObjectFacts> WriteAsync(AssetLocation location, Stream content, long? length, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(content);
        if (length is < 0) throw new ArgumentOutOfRangeException(nameof(length));
        var (bucket, key) = Split(location);
        var where = Describe(bucket, key);

        if (length is { } known && known <= _multipartThreshold)
        {
            using var buffer = _buffers.Rent((int)known);
            var read = await content.ReadAtLeastAsync(buffer.Memory, (int)known, throwOnEndOfStream: false, cancellationToken).ConfigureAwait(false);
            if (read < known) throw ContentLengthMismatch(where, read, known);
            await EnsureEndedAsync(content, where, known, cancellationToken).ConfigureAwait(false);
            return await PutAsync(bucket, key, where, buffer.Array, read, cancellationToken).ConfigureAwait(false);
        }
        if (length is { } total)
        {
            // A known length streams each part straight from the content, nothing buffered, so parts can
            // be large (fewer requests); they grow further so the object fits in S3's part limit.
            var partSize = Math.Max(Math.Max(_partSize, StreamedPartSize), (total + MaximumParts - 1) / MaximumParts);
            return await MultipartAsync(bucket, key, where, content, total, (number, _) =>
            {
                var offset = (number - 1) * partSize;
                return ValueTask.FromResult<UploadPartRequest?>(offset >= total ? null : new UploadPartRequest
                {
                    InputStream = new S3PartStream(content, Math.Min(partSize, total - offset)),
                    PartSize = Math.Min(partSize, total - offset),
                    DisablePayloadSigning = true, // the caller hashes the content; see S3UnsignedPayload
                });
            }, cancellationToken).ConfigureAwait(false);
        }

        // An unknown length is buffered a part at a time: one PutObject if it fits in one part.
        using var part = _buffers.Rent(_partSize);
        var partBuffer = part.Array;
        var first = await content.ReadAtLeastAsync(part.Memory, _partSize, throwOnEndOfStream: false, cancellationToken).ConfigureAwait(false);
        if (first < _partSize) return await PutAsync(bucket, key, where, partBuffer, first, cancellationToken).ConfigureAwait(false);
        var count = first;
        return await MultipartAsync(bucket, key, where, content, null, async (number, ct) =>
        {
            if (number > 1)
            {
                if (count < _partSize) return null; // the content ended in the last part
                count = await content.ReadAtLeastAsync(part.Memory, _partSize, throwOnEndOfStream: false, ct).ConfigureAwait(false);
                if (count == 0) return null;
            }
            return new UploadPartRequest { InputStream = new MemoryStream(partBuffer, 0, count, writable: false), PartSize = count };
        }, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// The objects under <paramref name="prefix"/>'s key, a page of up to 1,000 at a time, with size, ETag
    /// and last-modified as the listing gives them (no content type).
    /// </summary>
    /// <remarks>
    /// ListObjects (version 1) pages by the last key, which every S3-compatible server supports; s3rver's
    /// ListObjectsV2 continuation tokens need DES, which current OpenSSL builds no longer offer.
    /// </remarks>
    public IAsyncEnumerable<StoredObject>? List(AssetLocation prefix, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(prefix);
        if (string.IsNullOrEmpty(prefix.Container))
            throw new StoreException(StoreErrorKind.Permanent, $"s3 location without a bucket: '{prefix.Key}'");
        return ListPagesAsync(prefix, cancellationToken);
    }

    private async IAsyncEnumerable<StoredObject> ListPagesAsync(AssetLocation prefix, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var bucket = prefix.Container!;
        var request = new ListObjectsRequest { BucketName = bucket, Prefix = prefix.Key };
        while (true)
        {
            ListObjectsResponse page;
            try
            {
                page = await _client.ListObjectsAsync(request, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (IsStoreFailure(e, cancellationToken))
            {
                throw S3Errors.Map(e, Describe(bucket, prefix.Key), "list");
            }
            var objects = page.S3Objects ?? [];
            foreach (var item in objects)
            {
                yield return new StoredObject(
                    new AssetLocation("s3", bucket, prefix.EndpointUrl, item.Key),
                    new ObjectFacts(item.Size, item.ETag, Utc(item.LastModified), null));
            }
            if (page.IsTruncated != true || objects.Count == 0) break;
            request.Marker = page.NextMarker ?? objects[^1].Key; // NextMarker comes only with a delimiter
        }
    }

    public async Task<bool> ExistsAsync(AssetLocation location, CancellationToken cancellationToken) =>
        await HeadAsync(location, cancellationToken).ConfigureAwait(false) is not null;

    public async Task DeleteAsync(AssetLocation location, CancellationToken cancellationToken)
    {
        var (bucket, key) = Split(location);
        try
        {
            await _client.DeleteObjectAsync(new DeleteObjectRequest { BucketName = bucket, Key = key }, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (IsStoreFailure(e, cancellationToken))
        {
            throw S3Errors.Map(e, Describe(bucket, key), "delete");
        }
    }

    public void Dispose() => _client.Dispose();

    // What the PUT proves stands in for a HEAD: S3 stored the Content-Length bytes sent or failed the
    // request, and a plain single-part ETag is the MD5 of what it stored. The response carries no
    // last-modified, so the facts have none.
    private async Task<ObjectFacts> PutAsync(string bucket, string key, string where, byte[] buffer, int count, CancellationToken cancellationToken)
    {
        var request = new PutObjectRequest
        {
            BucketName = bucket,
            Key = key,
            InputStream = new MemoryStream(buffer, 0, count, writable: false),
            AutoCloseStream = true,
            UseChunkEncoding = !_customEndpoint, // aws-chunked framing would be stored as content by S3-compatible servers
        };
        PutObjectResponse response;
        try
        {
            response = await _client.PutObjectAsync(request, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (IsStoreFailure(e, cancellationToken))
        {
            throw S3Errors.Map(e, where, "write");
        }
        var etag = AssetFactComparer.NormalizeETag(response.ETag ?? "");
        if (IsMd5(etag) && !etag.Equals(Convert.ToHexString(MD5.HashData(buffer.AsSpan(0, count))), StringComparison.OrdinalIgnoreCase))
        {
            // A wrong object is worse than none: remove it before reporting. Transient: the write is gone,
            // so trying the whole copy again is safe.
            await DeleteAsync(new AssetLocation("s3", bucket, null, key), CancellationToken.None).ConfigureAwait(false);
            throw new StoreException(StoreErrorKind.Transient, $"{where}: the store's ETag {etag} is not the MD5 of the {count} bytes written; the object was removed");
        }
        return new ObjectFacts(count, response.ETag, null, null);
    }

    /// <summary>
    /// One multipart upload of the parts <paramref name="nextPart"/> gives (by part number from 1, null
    /// after the last), completed only once the content has ended: until then nothing is visible.
    /// </summary>
    private async Task<ObjectFacts> MultipartAsync(string bucket, string key, string where, Stream content, long? length,
        Func<int, CancellationToken, ValueTask<UploadPartRequest?>> nextPart, CancellationToken cancellationToken)
    {
        string uploadId;
        try
        {
            var started = await _client.InitiateMultipartUploadAsync(new InitiateMultipartUploadRequest { BucketName = bucket, Key = key }, cancellationToken).ConfigureAwait(false);
            uploadId = started.UploadId;
        }
        catch (Exception e) when (IsStoreFailure(e, cancellationToken))
        {
            throw S3Errors.Map(e, where, "write");
        }

        var parts = new List<PartETag>();
        long total = 0;
        Stream? current = null;
        try
        {
            while (await nextPart(parts.Count + 1, cancellationToken).ConfigureAwait(false) is { } part)
            {
                current = part.InputStream;
                if (parts.Count == MaximumParts)
                    throw new StoreException(StoreErrorKind.Permanent, $"{where}: the content needs more than {MaximumParts} parts of {part.PartSize} bytes");
                part.BucketName = bucket;
                part.Key = key;
                part.UploadId = uploadId;
                part.PartNumber = parts.Count + 1;
                part.UseChunkEncoding = !_customEndpoint;
                var uploaded = await _client.UploadPartAsync(part, cancellationToken).ConfigureAwait(false);
                parts.Add(new PartETag(parts.Count + 1, uploaded.ETag));
                total += part.PartSize!.Value;
            }
            await EnsureEndedAsync(content, where, total, cancellationToken).ConfigureAwait(false);
            if (length is { } expected && total != expected) throw ContentLengthMismatch(where, total, expected);

            var completed = await _client.CompleteMultipartUploadAsync(new CompleteMultipartUploadRequest
            {
                BucketName = bucket,
                Key = key,
                UploadId = uploadId,
                PartETags = parts,
            }, cancellationToken).ConfigureAwait(false);
            // S3 assembled exactly the parts it acknowledged, each of the Content-Length sent.
            return new ObjectFacts(total, completed.ETag, null, null);
        }
        catch (Exception e)
        {
            // Until completion nothing is visible under the key; aborting frees the stored parts.
            await AbortQuietlyAsync(bucket, key, uploadId).ConfigureAwait(false);
            if (current is S3PartStream { EndedEarly: true } shortPart && length is { } announced) throw ContentLengthMismatch(where, total + shortPart.BytesRead, announced);
            if (IsStoreFailure(e, cancellationToken)) throw S3Errors.Map(e, where, "write");
            throw;
        }
    }

    /// <summary>Reads once more past the announced bytes: the end of the content is where a checking stream (the relocator's) fails a bad copy.</summary>
    private static async Task EnsureEndedAsync(Stream content, string where, long announced, CancellationToken cancellationToken)
    {
        var probe = new byte[1];
        if (await content.ReadAsync(probe, cancellationToken).ConfigureAwait(false) > 0) throw ContentLengthMismatch(where, announced + 1, announced);
    }

    private static bool IsMd5(string etag) => etag.Length == 32 && etag.All(char.IsAsciiHexDigit);

    private static DateTimeOffset? Utc(DateTime? modified) =>
        modified is { } value ? new DateTimeOffset(DateTime.SpecifyKind(value.ToUniversalTime(), DateTimeKind.Utc)) : null;

    private async Task AbortQuietlyAsync(string bucket, string key, string uploadId)
    {
        try
        {
            // Not the caller's token: a cancelled run must still clean up.
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            await _client.AbortMultipartUploadAsync(new AbortMultipartUploadRequest { BucketName = bucket, Key = key, UploadId = uploadId }, timeout.Token).ConfigureAwait(false);
        }
        catch (Exception e) when (e is AmazonServiceException or AmazonClientException or IOException or HttpRequestException or OperationCanceledException)
        {
            // The original failure is what the caller needs; an orphaned upload is invisible and expires by lifecycle rules.
        }
    }

    private static bool IsStoreFailure(Exception e, CancellationToken cancellationToken) =>
        e is not StoreException && !(e is OperationCanceledException && cancellationToken.IsCancellationRequested)
        && e is AmazonServiceException or AmazonClientException or IOException or HttpRequestException or OperationCanceledException;

    private static StoreException ContentLengthMismatch(string where, long actual, long expected) =>
        new(StoreErrorKind.Permanent, $"{where}: the content has {(actual > expected ? "more than " + expected : actual.ToString(System.Globalization.CultureInfo.InvariantCulture))} bytes, {expected} were announced; nothing was written");

    private static (string Bucket, string Key) Split(AssetLocation location)
    {
        ArgumentNullException.ThrowIfNull(location);
        if (string.IsNullOrEmpty(location.Container))
            throw new StoreException(StoreErrorKind.Permanent, $"s3 location without a bucket: '{location.Key}'");
        if (string.IsNullOrEmpty(location.Key))
            throw new StoreException(StoreErrorKind.Permanent, $"s3://{location.Container}/: the location has no key");
        return (location.Container, location.Key);
    }

    private string Describe(string bucket, string key) =>
        Endpoint is null ? $"s3://{bucket}/{key}" : $"s3://{bucket}/{key} (endpoint {Endpoint})";

    /// <summary>The SDK's client with <see cref="S3UnsignedPayload"/> just before its signer.</summary>
    private sealed class Client : AmazonS3Client
    {
        public Client(AmazonS3Config config)
            : base(config)
        {
        }

        public Client(AWSCredentials credentials, AmazonS3Config config)
            : base(credentials, config)
        {
        }

        protected override void CustomizeRuntimePipeline(RuntimePipeline pipeline)
        {
            base.CustomizeRuntimePipeline(pipeline);
            pipeline.AddHandlerBefore<Signer>(new S3UnsignedPayload());
        }
    }

    private static string? FirstNonEmpty(params string?[] values) => values.FirstOrDefault(v => !string.IsNullOrWhiteSpace(v));
}
