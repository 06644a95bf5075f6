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

    /// <summary>
    /// Creates the s3 store for a location (the S3 client lives in another part of Core). Null until
    /// that part sets it; then s3 locations fail with "s3 store not available".
    /// </summary>
    internal static Func<AssetLocation, StoreOptions, IObjectStore>? S3Factory { get; set; }

    /// <summary>Creates the az store for a location; as <see cref="S3Factory"/>.</summary>
    internal static Func<AssetLocation, StoreOptions, IObjectStore>? AzureFactory { get; set; }

    /// <exception cref="StoreException">The store type is not supported, or its client cannot be created.</exception>
    public IObjectStore For(AssetLocation location)
    {
        ArgumentNullException.ThrowIfNull(location);
        var key = location.StoreType switch
        {
            // One file store and one http store per origin; clouds per endpoint and container.
            "file" => ("file", null, null),
            "http" or "https" => (location.StoreType, null, location.Container),
            _ => (location.StoreType, location.EndpointUrl, location.Container),
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
        "http" or "https" => new HttpStore(),
        "s3" => FromFactory(S3Factory, location),
        "az" => FromFactory(AzureFactory, location),
        "gs" => throw new StoreException(StoreErrorKind.Permanent, "gs store not supported: gs:// hrefs are parsed but cannot be read"),
        _ => throw new StoreException(StoreErrorKind.Permanent, $"unknown store type '{location.StoreType}'"),
    };

    private IObjectStore FromFactory(Func<AssetLocation, StoreOptions, IObjectStore>? factory, AssetLocation location)
    {
        if (factory is null)
        {
            throw new StoreException(StoreErrorKind.Permanent, $"{location.StoreType} store not available");
        }
        try
        {
            return factory(location, Options);
        }
        catch (Exception e) when (e is not StoreException)
        {
            // The client's own message may quote a connection string or key: name only the failure type.
            throw new StoreException(StoreErrorKind.Permanent,
                $"could not create the {location.StoreType} store client ({e.GetType().Name})", e);
        }
    }
}
