namespace StacPkg.Core.Stores;

/// <summary>
/// One object store (a file system, an HTTP origin, an S3 endpoint, an Azure account). Implementations
/// are safe for concurrent use and reuse one client with connection pooling.
/// </summary>
public interface IObjectStore
{
    /// <summary>The object's facts, or null when it does not exist.</summary>
    /// <exception cref="StoreException">The store could not answer (unreachable, denied, …).</exception>
    Task<ObjectFacts?> HeadAsync(AssetLocation location, CancellationToken cancellationToken);

    /// <summary>Streams the object's bytes from <paramref name="offset"/>, <paramref name="length"/> bytes or to the end.</summary>
    Task<Stream> OpenReadAsync(AssetLocation location, long offset, long? length, CancellationToken cancellationToken);

    /// <summary>
    /// The whole object's bytes with its facts, or null when it does not exist. By default the facts
    /// come from <see cref="HeadAsync"/>; a store whose read response carries them answers with one request.
    /// </summary>
    async Task<ObjectRead?> OpenReadWithFactsAsync(AssetLocation location, CancellationToken cancellationToken)
    {
        var facts = await HeadAsync(location, cancellationToken).ConfigureAwait(false);
        return facts is null ? null : new ObjectRead(await OpenReadAsync(location, 0, null, cancellationToken).ConfigureAwait(false), facts);
    }

    /// <summary>
    /// Writes <paramref name="content"/> as the object so that no partial object is ever visible under
    /// the key, verifies the stored size, and returns the facts of the written object.
    /// </summary>
    /// <remarks>
    /// The content is read until it ends (a read returning 0) before the object is committed, and a
    /// read that throws fails the write with nothing committed: the relocator's content stream checks
    /// the locked size and checksum on that last read.
    /// </remarks>
    Task<ObjectFacts> WriteAsync(AssetLocation location, Stream content, long? length, CancellationToken cancellationToken);

    /// <summary>
    /// The objects whose keys start with <paramref name="prefix"/>'s key (in its container and endpoint),
    /// with their facts as a listing gives them, or null when this store cannot list. One listing tells
    /// what a destination already holds, instead of a HEAD per object.
    /// </summary>
    IAsyncEnumerable<StoredObject>? List(AssetLocation prefix, CancellationToken cancellationToken) => null;

    Task<bool> ExistsAsync(AssetLocation location, CancellationToken cancellationToken);

    Task DeleteAsync(AssetLocation location, CancellationToken cancellationToken);
}
