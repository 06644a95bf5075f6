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

    private readonly BlobServiceClient _service;
    private readonly long _blockThreshold;
    private readonly int _blockSize;

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

        var clientOptions = new BlobClientOptions();
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

    public async Task<ObjectFacts?> HeadAsync(AssetLocation location, CancellationToken cancellationToken)
    {
        var (blob, where) = Blob(location);
        try
        {
            var response = await blob.GetPropertiesAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
            var properties = response.Value;
            // The header as the service sent it (quoted); the parsed ETag is the fallback.
            var etag = response.GetRawResponse().Headers.TryGetValue("ETag", out var raw) && !string.IsNullOrEmpty(raw)
                ? raw
                : properties.ETag.ToString("H");
            return new ObjectFacts(
                properties.ContentLength,
                etag,
                properties.LastModified.ToUniversalTime(),
                string.IsNullOrEmpty(properties.ContentType) ? null : properties.ContentType);
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

    public async Task<ObjectFacts> WriteAsync(AssetLocation location, Stream content, long? length, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(content);
        if (length is < 0) throw new ArgumentOutOfRangeException(nameof(length));
        var (blob, where) = Blob(location);

        long written;
        try
        {
            if (length is { } known && known <= _blockThreshold)
            {
                var buffer = new byte[known];
                var read = await content.ReadAtLeastAsync(buffer, buffer.Length, throwOnEndOfStream: false, cancellationToken).ConfigureAwait(false);
                if (read < known) throw ContentLengthMismatch(where, read, known);
                if (await content.ReadAsync(new byte[1], cancellationToken).ConfigureAwait(false) > 0) throw ContentLengthMismatch(where, known + 1, known);
                await PutAsync(blob, buffer, read, cancellationToken).ConfigureAwait(false);
                written = read;
            }
            else
            {
                // With a known length, grow the block so the blob fits in Azure's block limit.
                var blockSize = length is { } total ? (int)Math.Min(int.MaxValue, Math.Max(_blockSize, (total + MaximumBlocks - 1) / MaximumBlocks)) : _blockSize;
                var buffer = new byte[blockSize];
                var read = await content.ReadAtLeastAsync(buffer, buffer.Length, throwOnEndOfStream: false, cancellationToken).ConfigureAwait(false);
                if (read < blockSize && length is null)
                {
                    await PutAsync(blob, buffer, read, cancellationToken).ConfigureAwait(false);
                    written = read;
                }
                else
                {
                    written = await StageAndCommitAsync(blob, where, content, length, buffer, read, cancellationToken).ConfigureAwait(false);
                }
            }
        }
        catch (Exception e) when (IsStoreFailure(e, cancellationToken))
        {
            // Staged blocks stay uncommitted, invisible, and the service discards them after a week.
            throw AzureBlobErrors.Map(e, where, "write");
        }

        var facts = await HeadAsync(location, cancellationToken).ConfigureAwait(false)
            ?? throw new StoreException(StoreErrorKind.Transient, $"{where}: the blob is not visible after writing it");
        if (facts.SizeBytes != written)
        {
            // A wrong blob is worse than none: remove it before reporting. Transient: the write is gone,
            // so trying the whole copy again is safe.
            await DeleteAsync(location, CancellationToken.None).ConfigureAwait(false);
            throw new StoreException(StoreErrorKind.Transient, $"{where}: the store kept {facts.SizeBytes} bytes of the {written} written; the blob was removed");
        }
        return facts;
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

    private static async Task PutAsync(BlockBlobClient blob, byte[] buffer, int count, CancellationToken cancellationToken)
    {
        // One Put Blob: the SDK must not split it into blocks of its own.
        var options = new BlobUploadOptions { TransferOptions = new StorageTransferOptions { InitialTransferSize = Math.Max(count, 1), MaximumConcurrency = 1 } };
        await blob.UploadAsync(new MemoryStream(buffer, 0, count, writable: false), options, cancellationToken).ConfigureAwait(false);
    }

    private static async Task<long> StageAndCommitAsync(BlockBlobClient blob, string where, Stream content, long? length, byte[] buffer, int firstCount, CancellationToken cancellationToken)
    {
        // Block ids must all have the same length; a fresh prefix keeps this write's blocks apart from another writer's.
        var writeId = Guid.NewGuid().ToString("N");
        var ids = new List<string>();
        long total = 0;
        var count = firstCount;
        while (true)
        {
            if (ids.Count == MaximumBlocks)
                throw new StoreException(StoreErrorKind.Permanent, $"{where}: the content needs more than {MaximumBlocks} blocks of {buffer.Length} bytes");
            var id = Convert.ToBase64String(Encoding.ASCII.GetBytes($"{writeId}{ids.Count:D6}"));
            await blob.StageBlockAsync(id, new MemoryStream(buffer, 0, count, writable: false), new BlockBlobStageBlockOptions(), cancellationToken).ConfigureAwait(false);
            ids.Add(id);
            total += count;
            if (count < buffer.Length) break;
            count = await content.ReadAtLeastAsync(buffer, buffer.Length, throwOnEndOfStream: false, cancellationToken).ConfigureAwait(false);
            if (count == 0) break;
        }
        if (length is { } expected && total != expected) throw ContentLengthMismatch(where, total, expected);
        await blob.CommitBlockListAsync(ids, new CommitBlockListOptions(), cancellationToken).ConfigureAwait(false);
        return total;
    }

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
