using System.Runtime.CompilerServices;
using System.Text;
using Azure;
using Azure.Core;
using Azure.Storage;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Azure.Storage.Blobs.Specialized;

namespace StacPkg.Core.Stores;

/// <summary>
/// One Azure Storage account (or an Azurite emulator account) through Azure.Storage.Blobs, with one
/// <see cref="BlobServiceClient"/> reused for every blob. Credentials, first found wins: a connection
/// string for this account (<see cref="StoreOptions.AzureConnectionString"/>, else
/// AZURE_STORAGE_CONNECTION_STRING), an account key (<see cref="StoreOptions.AzureAccountKey"/>, else
/// AZURE_STORAGE_KEY), a SAS token (<see cref="StoreOptions.AzureSasToken"/>, else AZURE_STORAGE_SAS_TOKEN),
/// a Microsoft Entra ID token credential (<see cref="StoreOptions.AzureTokenCredential"/>, or the default chain
/// with AZURE_STORAGE_AUTH_MODE=login), else anonymous access (public containers).
/// </summary>
public sealed class AzureBlobStore : IObjectStore
{
    /// <summary>Azure's largest number of blocks in a block blob.</summary>
    private const int MaximumBlocks = 50_000;

    /// <summary>What every written blob is stored as: the bytes are the asset's, whatever its media type.</summary>
    private const string StoredContentType = "application/octet-stream";

    private readonly BlobServiceClient _service;
    private readonly long _blockThreshold;
    private readonly int _blockSize;
    private readonly BlockBufferPool _buffers;

    /// <summary>
    /// A store for the account at <paramref name="accountEndpoint"/> (e.g. https://account.blob.core.windows.net,
    /// or Azurite's path-style http://127.0.0.1:10000/devstoreaccount1); null takes the account from the
    /// connection string, else from AZURE_STORAGE_ACCOUNT. Blobs up to <paramref name="blockThreshold"/> bytes
    /// are written with one Put Blob, larger ones (or ones of unknown length longer than a block) as staged
    /// blocks of <paramref name="blockSize"/> bytes committed at the end; one block is buffered at a time.
    /// </summary>
    /// <exception cref="StoreException">No account can be determined, or the endpoint is not an http(s) URL.</exception>
    public AzureBlobStore(string? accountEndpoint, StoreOptions options, long blockThreshold = 16 * 1024 * 1024, int blockSize = 8 * 1024 * 1024)
        : this(accountEndpoint, options, blockThreshold, blockSize, maxRetries: null)
    {
    }

    /// <summary>Same, with the SDK's retry count set (tests of unreachable endpoints).</summary>
    internal AzureBlobStore(string? accountEndpoint, StoreOptions options, long blockThreshold, int blockSize, int? maxRetries)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentOutOfRangeException.ThrowIfNegative(blockThreshold);
        ArgumentOutOfRangeException.ThrowIfLessThan(blockSize, 1);
        _blockThreshold = blockThreshold;
        _blockSize = blockSize;
        _buffers = new BlockBufferPool(blockSize);

        // We hash every byte (sha2-256) ourselves: no per-request checksum by default (Put Block asks for its own).
        var clientOptions = new BlobClientOptions();
        clientOptions.TransferValidation.Upload.ChecksumAlgorithm = StorageChecksumAlgorithm.None;
        if (maxRetries is { } retries)
        {
            clientOptions.Retry.MaxRetries = retries;
            clientOptions.Retry.Delay = TimeSpan.FromMilliseconds(50);
        }
        _service = CreateClient(accountEndpoint, options, clientOptions);
        AccountEndpoint = Normalize(_service.Uri);
    }

    /// <summary>The account URL in use, without any query.</summary>
    public string AccountEndpoint { get; }

    /// <summary>Blobs per listing page; null is the service's largest (5,000). Tests set it to see paging.</summary>
    internal int? ListPageSize { get; init; }

    public async Task<ObjectFacts?> HeadAsync(AssetLocation location, CancellationToken cancellationToken)
    {
        var (blob, where) = Blob(location);
        try
        {
            var response = await blob.GetPropertiesAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
            var properties = response.Value;
            // The header as the service sent it (quoted); the parsed ETag is the fallback.
            return new ObjectFacts(
                properties.ContentLength,
                RawETag(response.GetRawResponse(), properties.ETag),
                properties.LastModified.ToUniversalTime(),
                EmptyAsNull(properties.ContentType));
        }
        catch (RequestFailedException e) when (e.Status == 404 && e.ErrorCode is null or "BlobNotFound")
        {
            return null;
        }
        catch (Exception e) when (IsStoreFailure(e, cancellationToken))
        {
            throw AzureBlobErrors.Map(e, where, "head");
        }
    }

    public async Task<Stream> OpenReadAsync(AssetLocation location, long offset, long? length, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(offset);
        if (length is < 0) throw new ArgumentOutOfRangeException(nameof(length));
        var (blob, where) = Blob(location);
        if (length == 0) return Stream.Null; // HTTP has no empty range
        try
        {
            var response = await blob.DownloadStreamingAsync(
                new BlobDownloadOptions { Range = new HttpRange(offset, length) }, cancellationToken).ConfigureAwait(false);
            return response.Value.Content; // disposing it releases the connection
        }
        catch (Exception e) when (IsStoreFailure(e, cancellationToken))
        {
            throw AzureBlobErrors.Map(e, where, "read");
        }
    }

    /// <remarks>
    /// The facts come from the committing response (Put Blob, Put Block List): its ETag and Last-Modified
    /// are the new blob's, and its size is what the service acknowledged receiving (every request carries
    /// its Content-Length), so no HEAD follows the write.
    /// </remarks>
    public async Task<ObjectFacts> WriteAsync(AssetLocation location, Stream content, long? length, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(content);
        if (length is < 0) throw new ArgumentOutOfRangeException(nameof(length));
        var (blob, where) = Blob(location);
        try
        {
            if (length is { } known && known <= _blockThreshold)
            {
                // One byte more than announced tells a longer content apart, and reading it ends the content.
                using var buffer = _buffers.Rent((int)Math.Min(known + 1, int.MaxValue));
                var read = await content.ReadAtLeastAsync(buffer.Memory, buffer.Memory.Length, throwOnEndOfStream: false, cancellationToken).ConfigureAwait(false);
                if (read != known) throw ContentLengthMismatch(where, read, known);
                return await PutAsync(blob, buffer.Array, read, cancellationToken).ConfigureAwait(false);
            }
            // With a known length, grow the block so the blob fits in Azure's block limit.
            var blockSize = length is { } total ? (int)Math.Min(int.MaxValue, Math.Max(_blockSize, (total + MaximumBlocks - 1) / MaximumBlocks)) : _blockSize;
            using var block = _buffers.Rent(blockSize);
            var first = await content.ReadAtLeastAsync(block.Memory, blockSize, throwOnEndOfStream: false, cancellationToken).ConfigureAwait(false);
            return first < blockSize && length is null
                ? await PutAsync(blob, block.Array, first, cancellationToken).ConfigureAwait(false)
                : await StageAndCommitAsync(blob, where, content, length, block, first, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (IsStoreFailure(e, cancellationToken))
        {
            // Staged blocks stay uncommitted, invisible, and the service discards them after a week.
            throw AzureBlobErrors.Map(e, where, "write");
        }
    }

    /// <summary>
    /// The blobs whose names start with <paramref name="prefix"/>'s key, in pages of up to 5,000, with the
    /// facts <see cref="HeadAsync"/> gives for each (the same ETag text, Last-Modified and content type).
    /// </summary>
    public IAsyncEnumerable<StoredObject>? List(AssetLocation prefix, CancellationToken cancellationToken) => ListAsync(prefix, cancellationToken);

    private async IAsyncEnumerable<StoredObject> ListAsync(AssetLocation prefix, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(prefix);
        if (string.IsNullOrEmpty(prefix.Container))
            throw new StoreException(StoreErrorKind.Permanent, $"az location without a container: '{prefix.Key}' (account {AccountEndpoint})");
        var where = $"az://{prefix.Container}/{prefix.Key}* (account {AccountEndpoint})";
        var pages = _service.GetBlobContainerClient(prefix.Container)
            .GetBlobsAsync(new GetBlobsOptions { Prefix = string.IsNullOrEmpty(prefix.Key) ? null : prefix.Key }, cancellationToken)
            .AsPages(pageSizeHint: ListPageSize)
            .GetAsyncEnumerator(cancellationToken);
        await using (pages.ConfigureAwait(false))
        {
            while (true)
            {
                try
                {
                    if (!await pages.MoveNextAsync().ConfigureAwait(false)) yield break;
                }
                catch (Exception e) when (IsStoreFailure(e, cancellationToken))
                {
                    throw AzureBlobErrors.Map(e, where, "list");
                }
                foreach (var item in pages.Current.Values)
                {
                    // Only current blobs are listed (no snapshots, versions or deleted ones), as a HEAD would see them.
                    var properties = item.Properties;
                    yield return new StoredObject(
                        prefix with { Key = item.Name },
                        new ObjectFacts(properties.ContentLength, properties.ETag?.ToString("H"), properties.LastModified?.ToUniversalTime(), EmptyAsNull(properties.ContentType)));
                }
            }
        }
    }

    public async Task<bool> ExistsAsync(AssetLocation location, CancellationToken cancellationToken) =>
        await HeadAsync(location, cancellationToken).ConfigureAwait(false) is not null;

    public async Task DeleteAsync(AssetLocation location, CancellationToken cancellationToken)
    {
        var (blob, where) = Blob(location);
        try
        {
            await blob.DeleteIfExistsAsync(DeleteSnapshotsOption.IncludeSnapshots, cancellationToken: cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (IsStoreFailure(e, cancellationToken))
        {
            throw AzureBlobErrors.Map(e, where, "delete");
        }
    }

    private static async Task<ObjectFacts> PutAsync(BlockBlobClient blob, byte[] buffer, int count, CancellationToken cancellationToken)
    {
        // BlockBlobClient.Upload is one Put Blob: it never splits the content into blocks of its own.
        var options = new BlobUploadOptions { HttpHeaders = new BlobHttpHeaders { ContentType = StoredContentType } };
        var response = await blob.UploadAsync(new MemoryStream(buffer, 0, count, writable: false), options, cancellationToken).ConfigureAwait(false);
        return WrittenFacts(response, count);
    }

    /// <summary>
    /// Each block goes with its MD5 (Content-MD5), which the service checks against the bytes it received, so a
    /// block damaged on the wire fails its Put Block instead of being committed. Without it the service
    /// (Azurite in JavaScript, byte by byte) computes a CRC64 of every block instead, which costs it several
    /// times more than the MD5 costs us.
    /// </summary>
    private static BlockBlobStageBlockOptions StageBlockOptions => new()
    {
        TransferValidation = new UploadTransferValidationOptions { ChecksumAlgorithm = StorageChecksumAlgorithm.MD5 },
    };

    private static async Task<ObjectFacts> StageAndCommitAsync(BlockBlobClient blob, string where, Stream content, long? length, BlockBufferPool.Lease block, int firstCount, CancellationToken cancellationToken)
    {
        // Block ids must all have the same length; a fresh prefix keeps this write's blocks apart from another writer's.
        var writeId = Guid.NewGuid().ToString("N");
        var ids = new List<string>();
        var buffer = block.Array;
        var size = block.Memory.Length;
        long total = 0;
        var count = firstCount;
        while (true)
        {
            if (ids.Count == MaximumBlocks)
                throw new StoreException(StoreErrorKind.Permanent, $"{where}: the content needs more than {MaximumBlocks} blocks of {size} bytes");
            var id = Convert.ToBase64String(Encoding.ASCII.GetBytes($"{writeId}{ids.Count:D6}"));
            await blob.StageBlockAsync(id, new MemoryStream(buffer, 0, count, writable: false), StageBlockOptions, cancellationToken).ConfigureAwait(false);
            ids.Add(id);
            total += count;
            if (count < size) break;
            count = await content.ReadAtLeastAsync(block.Memory, size, throwOnEndOfStream: false, cancellationToken).ConfigureAwait(false);
            if (count == 0) break;
        }
        if (length is { } expected && total != expected) throw ContentLengthMismatch(where, total, expected);
        var options = new CommitBlockListOptions { HttpHeaders = new BlobHttpHeaders { ContentType = StoredContentType } };
        var response = await blob.CommitBlockListAsync(ids, options, cancellationToken).ConfigureAwait(false);
        return WrittenFacts(response, total);
    }

    /// <summary>The new blob's facts from the committing response: the ETag as the service sent it (quoted), as <see cref="HeadAsync"/> gives it.</summary>
    private static ObjectFacts WrittenFacts(Response<BlobContentInfo> response, long size) =>
        new(size, RawETag(response.GetRawResponse(), response.Value.ETag), response.Value.LastModified.ToUniversalTime(), StoredContentType);

    private static string RawETag(Response raw, ETag parsed) =>
        raw.Headers.TryGetValue("ETag", out var etag) && !string.IsNullOrEmpty(etag) ? etag : parsed.ToString("H");

    private static string? EmptyAsNull(string? value) => string.IsNullOrEmpty(value) ? null : value;

    private (BlockBlobClient Blob, string Where) Blob(AssetLocation location)
    {
        ArgumentNullException.ThrowIfNull(location);
        if (string.IsNullOrEmpty(location.Container))
            throw new StoreException(StoreErrorKind.Permanent, $"az location without a container: '{location.Key}' (account {AccountEndpoint})");
        var where = $"az://{location.Container}/{location.Key} (account {AccountEndpoint})";
        if (string.IsNullOrEmpty(location.Key))
            throw new StoreException(StoreErrorKind.Permanent, $"{where}: the location has no blob name");
        return (_service.GetBlobContainerClient(location.Container).GetBlockBlobClient(location.Key), where);
    }

    private static bool IsStoreFailure(Exception e, CancellationToken cancellationToken) =>
        e is not StoreException && !(e is OperationCanceledException && cancellationToken.IsCancellationRequested)
        && e is RequestFailedException or AggregateException or IOException or HttpRequestException or OperationCanceledException;

    private static StoreException ContentLengthMismatch(string where, long actual, long expected) =>
        new(StoreErrorKind.Permanent, $"{where}: the content has {(actual > expected ? "more than " + expected : actual.ToString(System.Globalization.CultureInfo.InvariantCulture))} bytes, {expected} were announced; nothing was written");

    private static BlobServiceClient CreateClient(string? accountEndpoint, StoreOptions options, BlobClientOptions clientOptions)
    {
        var connectionString = FirstNonEmpty(options.AzureConnectionString, Environment.GetEnvironmentVariable("AZURE_STORAGE_CONNECTION_STRING"));
        Uri? endpoint = null;
        if (FirstNonEmpty(accountEndpoint) is { } given)
        {
            try
            {
                endpoint = new Uri(Normalize(new Uri(StoreEndpoint.Check(given))));
            }
            catch (FormatException e)
            {
                throw new StoreException(StoreErrorKind.Permanent, $"Azure account: {e.Message}", e);
            }
        }

        if (connectionString is not null)
        {
            BlobServiceClient fromConnectionString;
            try
            {
                fromConnectionString = new BlobServiceClient(connectionString, clientOptions);
            }
            catch (Exception e) when (e is FormatException or ArgumentException or InvalidOperationException)
            {
                // The connection string holds the key: say only that it is malformed.
                throw new StoreException(StoreErrorKind.Unauthorized, "the Azure Storage connection string is malformed");
            }
            // A connection string for another account does not apply to this one.
            if (endpoint is null || string.Equals(Normalize(fromConnectionString.Uri), endpoint.AbsoluteUri, StringComparison.OrdinalIgnoreCase))
                return fromConnectionString;
        }

        if (endpoint is null)
        {
            var account = FirstNonEmpty(Environment.GetEnvironmentVariable("AZURE_STORAGE_ACCOUNT"))
                ?? throw new StoreException(StoreErrorKind.Unreachable, "no Azure Storage account: give an account URL, a connection string (AZURE_STORAGE_CONNECTION_STRING) or AZURE_STORAGE_ACCOUNT");
            endpoint = new Uri($"https://{account}.blob.core.windows.net");
        }

        if (FirstNonEmpty(options.AzureAccountKey, Environment.GetEnvironmentVariable("AZURE_STORAGE_KEY")) is { } key)
            return new BlobServiceClient(endpoint, new StorageSharedKeyCredential(AccountName(endpoint), key), clientOptions);
        if (FirstNonEmpty(options.AzureSasToken, Environment.GetEnvironmentVariable("AZURE_STORAGE_SAS_TOKEN")) is { } sas)
            return new BlobServiceClient(endpoint, new AzureSasCredential(sas.TrimStart('?')), clientOptions);
        if (TokenCredentialFor(options) is { } token)
        {
            // Bearer tokens are only ever sent over TLS; the SDK would refuse later with a vaguer message.
            if (endpoint.Scheme != Uri.UriSchemeHttps)
                throw new StoreException(StoreErrorKind.Unauthorized, $"Azure AD sign-in needs an https account URL, not '{Normalize(endpoint)}'");
            return new BlobServiceClient(endpoint, token, clientOptions);
        }
        return new BlobServiceClient(endpoint, clientOptions);
    }

    /// <summary>
    /// The account URL of the connection string in use (<see cref="StoreOptions.AzureConnectionString"/>, else
    /// AZURE_STORAGE_CONNECTION_STRING), without any query; null when there is none or it is malformed.
    /// </summary>
    public static string? ConnectionStringEndpoint(StoreOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (FirstNonEmpty(options.AzureConnectionString, Environment.GetEnvironmentVariable("AZURE_STORAGE_CONNECTION_STRING")) is not { } connectionString) return null;
        try
        {
            return Normalize(new BlobServiceClient(connectionString).Uri);
        }
        catch (Exception e) when (e is FormatException or ArgumentException or InvalidOperationException)
        {
            // Reported, without the key, when a store is created from it.
            return null;
        }
    }

    /// <summary>The caller's Entra ID credential, or the default chain when AZURE_STORAGE_AUTH_MODE is 'login'.</summary>
    internal static Azure.Core.TokenCredential? TokenCredentialFor(StoreOptions options) =>
        options.AzureTokenCredential
        ?? (string.Equals(Environment.GetEnvironmentVariable("AZURE_STORAGE_AUTH_MODE"), "login", StringComparison.OrdinalIgnoreCase)
            ? new Azure.Identity.DefaultAzureCredential()
            : null);

    /// <summary>The account name: the first path segment for path-style endpoints (Azurite), else the first host label.</summary>
    private static string AccountName(Uri endpoint)
    {
        var segment = endpoint.AbsolutePath.Trim('/').Split('/')[0];
        return segment.Length > 0 ? segment : endpoint.Host.Split('.')[0];
    }

    /// <summary>Scheme, host, port and path without a trailing slash, query or user info.</summary>
    private static string Normalize(Uri uri) =>
        uri.GetComponents(UriComponents.SchemeAndServer | UriComponents.Path, UriFormat.UriEscaped).TrimEnd('/');

    private static string? FirstNonEmpty(params string?[] values) => values.FirstOrDefault(v => !string.IsNullOrWhiteSpace(v));
}
