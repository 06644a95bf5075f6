namespace StacPkg.Core.Stores;

/// <summary>
/// Hands out one <see cref="IObjectStore"/> per store (type, endpoint, container/account), created on
/// first use and reused for every row.
/// </summary>
public sealed class ObjectStores : IAsyncDisposable
{
    private readonly Dictionary<(string Type, string? Endpoint, string? Container), IObjectStore> _stores = [];
    private readonly object _gate = new();
    private bool _disposed;

    public ObjectStores(StoreOptions options) => Options = options;

    public StoreOptions Options { get; }

    /// <exception cref="StoreException">The store type is not supported, or its client cannot be created.</exception>
    public IObjectStore For(AssetLocation location)
    {
        ArgumentNullException.ThrowIfNull(location);
        (string Type, string? Endpoint, string? Container) key = location.StoreType switch
        {
            // One file store, one http store per origin, one cloud client per endpoint (account).
            "file" => ("file", null, null),
            "http" or "https" => (location.StoreType, null, location.Container),
            _ => (location.StoreType, location.EndpointUrl, (string?)null),
        };
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (_stores.TryGetValue(key, out var store)) return store;
            store = Create(location);
            _stores.Add(key, store);
            return store;
        }
    }

    public async ValueTask DisposeAsync()
    {
        IObjectStore[] stores;
        lock (_gate)
        {
            if (_disposed) return;
            _disposed = true;
            stores = [.. _stores.Values];
            _stores.Clear();
        }
        foreach (var store in stores)
        {
            switch (store)
            {
                case IAsyncDisposable asyncDisposable:
                    await asyncDisposable.DisposeAsync().ConfigureAwait(false);
                    break;
                case IDisposable disposable:
                    disposable.Dispose();
                    break;
            }
        }
    }

    private IObjectStore Create(AssetLocation location) => location.StoreType switch
    {
        "file" => new FileStore(Options),
        "http" or "https" => new HttpStore(Options.HttpTimeout ?? HttpStore.DefaultTimeout),
        "s3" => CreateClient(location, () => new S3Store(location.EndpointUrl, Options)),
        "az" => CreateClient(location, () => new AzureBlobStore(location.EndpointUrl, Options)),
        "gs" => throw new StoreException(StoreErrorKind.Permanent, "gs store not supported: gs:// hrefs are parsed but cannot be read"),
        _ => throw new StoreException(StoreErrorKind.Permanent, $"unknown store type '{location.StoreType}'"),
    };

    private static IObjectStore CreateClient(AssetLocation location, Func<IObjectStore> create)
    {
        try
        {
            return create();
        }
        catch (Exception e) when (e is not StoreException)
        {
            // The client's own message may quote a connection string or key: name only the failure type.
            throw new StoreException(StoreErrorKind.Permanent,
                $"could not create the {location.StoreType} store client ({e.GetType().Name})", e);
        }
    }
}
