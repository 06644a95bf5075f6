namespace StacPkg.Core.Stores;

/// <summary>
/// Hands out one <see cref="IObjectStore"/> per store (type, endpoint, account), created on first use
/// and reused for every row. (Being implemented: signatures fixed.)
/// </summary>
public sealed class ObjectStores : IAsyncDisposable
{
    public ObjectStores(StoreOptions options) => Options = options;

    public StoreOptions Options { get; }

    /// <exception cref="StoreException">The store type is not supported, or its client cannot be created.</exception>
    public IObjectStore For(AssetLocation location) => throw new NotImplementedException();

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
