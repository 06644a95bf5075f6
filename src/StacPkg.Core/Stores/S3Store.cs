using System.Net;
using Amazon;
using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;

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

    private const string DefaultCustomRegion = "us-east-1";

    private readonly AmazonS3Client _client;
    private readonly bool _customEndpoint;
    private readonly long _multipartThreshold;
    private readonly int _partSize;

    /// <summary>
    /// A store for <paramref name="endpointUrl"/> (the row's endpoint), else <see cref="StoreOptions.S3EndpointUrl"/>,
    /// else AWS_ENDPOINT_URL, else AWS itself. Objects up to <paramref name="multipartThreshold"/> bytes are
    /// written with one PutObject, larger ones (or ones of unknown length longer than a part) as a multipart
    /// upload of <paramref name="partSize"/>-byte parts; one part is buffered at a time.
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

        var endpoint = FirstNonEmpty(endpointUrl, options.S3EndpointUrl, Environment.GetEnvironmentVariable("AWS_ENDPOINT_URL"));
        _customEndpoint = endpoint is not null;
        Endpoint = endpoint;
        var region = FirstNonEmpty(Environment.GetEnvironmentVariable("AWS_REGION"), Environment.GetEnvironmentVariable("AWS_DEFAULT_REGION"));

        var config = new AmazonS3Config();
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

        _client = credentials is null ? new AmazonS3Client(config) : new AmazonS3Client(credentials, config);
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
                response.LastModified is { } modified ? new DateTimeOffset(DateTime.SpecifyKind(modified.ToUniversalTime(), DateTimeKind.Utc)) : null,
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

        long written;
        if (length is { } known && known <= _multipartThreshold)
        {
            var buffer = new byte[known];
            var read = await content.ReadAtLeastAsync(buffer, buffer.Length, throwOnEndOfStream: false, cancellationToken).ConfigureAwait(false);
            if (read < known) throw ContentLengthMismatch(where, read, known);
            if (await content.ReadAsync(new byte[1], cancellationToken).ConfigureAwait(false) > 0) throw ContentLengthMismatch(where, known + 1, known);
            await PutAsync(bucket, key, where, buffer, read, cancellationToken).ConfigureAwait(false);
            written = read;
        }
        else
        {
            // With a known length, grow the part so the object fits in S3's part limit.
            var partSize = length is { } total ? (int)Math.Min(int.MaxValue, Math.Max(_partSize, (total + MaximumParts - 1) / MaximumParts)) : _partSize;
            var buffer = new byte[partSize];
            var read = await content.ReadAtLeastAsync(buffer, buffer.Length, throwOnEndOfStream: false, cancellationToken).ConfigureAwait(false);
            if (read < partSize && length is null)
            {
                await PutAsync(bucket, key, where, buffer, read, cancellationToken).ConfigureAwait(false);
                written = read;
            }
            else
            {
                written = await MultipartAsync(bucket, key, where, content, length, buffer, read, cancellationToken).ConfigureAwait(false);
            }
        }

        var facts = await HeadAsync(location, cancellationToken).ConfigureAwait(false)
            ?? throw new StoreException(StoreErrorKind.Transient, $"{where}: the object is not visible after writing it");
        if (facts.SizeBytes != written)
        {
            // A wrong object is worse than none: remove it before reporting. Transient: the write is
            // gone, so trying the whole copy again is safe (a loaded S3-compatible store has been seen
            // to report a fresh object's size as 0 once).
            await DeleteAsync(location, CancellationToken.None).ConfigureAwait(false);
            throw new StoreException(StoreErrorKind.Transient, $"{where}: the store kept {facts.SizeBytes} bytes of the {written} written; the object was removed");
        }
        return facts;
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

    private async Task PutAsync(string bucket, string key, string where, byte[] buffer, int count, CancellationToken cancellationToken)
    {
        var request = new PutObjectRequest
        {
            BucketName = bucket,
            Key = key,
            InputStream = new MemoryStream(buffer, 0, count, writable: false),
            AutoCloseStream = true,
            UseChunkEncoding = !_customEndpoint, // aws-chunked framing would be stored as content by S3-compatible servers
        };
        try
        {
            await _client.PutObjectAsync(request, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (IsStoreFailure(e, cancellationToken))
        {
            throw S3Errors.Map(e, where, "write");
        }
    }

    private async Task<long> MultipartAsync(string bucket, string key, string where, Stream content, long? length, byte[] buffer, int firstCount, CancellationToken cancellationToken)
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

        try
        {
            var parts = new List<PartETag>();
            long total = 0;
            var count = firstCount;
            while (true)
            {
                if (parts.Count == MaximumParts)
                    throw new StoreException(StoreErrorKind.Permanent, $"{where}: the content needs more than {MaximumParts} parts of {buffer.Length} bytes");
                var part = await _client.UploadPartAsync(new UploadPartRequest
                {
                    BucketName = bucket,
                    Key = key,
                    UploadId = uploadId,
                    PartNumber = parts.Count + 1,
                    PartSize = count,
                    InputStream = new MemoryStream(buffer, 0, count, writable: false),
                    UseChunkEncoding = !_customEndpoint,
                }, cancellationToken).ConfigureAwait(false);
                parts.Add(new PartETag(parts.Count + 1, part.ETag));
                total += count;
                if (count < buffer.Length) break;
                count = await content.ReadAtLeastAsync(buffer, buffer.Length, throwOnEndOfStream: false, cancellationToken).ConfigureAwait(false);
                if (count == 0) break;
            }
            if (length is { } expected && total != expected) throw ContentLengthMismatch(where, total, expected);

            await _client.CompleteMultipartUploadAsync(new CompleteMultipartUploadRequest
            {
                BucketName = bucket,
                Key = key,
                UploadId = uploadId,
                PartETags = parts,
            }, cancellationToken).ConfigureAwait(false);
            return total;
        }
        catch (Exception e)
        {
            // Until completion nothing is visible under the key; aborting frees the stored parts.
            await AbortQuietlyAsync(bucket, key, uploadId).ConfigureAwait(false);
            if (IsStoreFailure(e, cancellationToken)) throw S3Errors.Map(e, where, "write");
            throw;
        }
    }

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

    private static string? FirstNonEmpty(params string?[] values) => values.FirstOrDefault(v => !string.IsNullOrWhiteSpace(v));
}
