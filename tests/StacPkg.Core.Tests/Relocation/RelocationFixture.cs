using StacPkg.Core.Lock;
using StacPkg.Core.Stores;

namespace StacPkg.Core.Tests.Relocation;

/// <summary>Temp folders, lock rows made from what a store reports, and the stores by type for the relocation tests.</summary>
internal sealed class RelocationFixture : IDisposable
{
    public static readonly RetryPolicy FastRetry = new() { InitialDelay = TimeSpan.FromMilliseconds(1), MaxDelay = TimeSpan.FromMilliseconds(5) };

    private readonly Dictionary<string, IObjectStore> _stores = new() { ["file"] = new FileStore(), ["http"] = new HttpStore() };

    public RelocationFixture()
    {
        Root = Path.Combine(Path.GetTempPath(), "stacpkg-relocate-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Root);
    }

    public string Root { get; }

    public void Add(string storeType, IObjectStore store) => _stores[storeType] = store;

    public IObjectStore StoreFor(AssetLocation location) => _stores[location.StoreType];

    /// <summary>Writes a file under the root and returns its path.</summary>
    public string WriteSource(string relative, byte[] content)
    {
        var path = Path.Combine(Root, "source", relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllBytes(path, content);
        return path;
    }

    /// <summary>A lock row for <paramref name="location"/> with the facts its store reports now and the checksum of <paramref name="content"/>.</summary>
    public async Task<AssetLockEntry> LockAsync(AssetLocation location, string itemId, string assetKey, byte[] content)
    {
        var facts = await StoreFor(location).HeadAsync(location, CancellationToken.None) ?? throw new InvalidOperationException("not found");
        return new AssetLockEntry
        {
            ItemId = itemId, AssetKey = assetKey, StoreType = location.StoreType, StoreContainer = location.Container,
            StoreEndpointUrl = location.EndpointUrl, Key = location.Key, SizeBytes = facts.SizeBytes, ETag = facts.ETag,
            LastModified = facts.LastModified is { } modified ? LockTimestamp.Format(modified) : null,
            FileChecksum = Multihash.Sha256(content),
        };
    }

    public async Task<List<T>> ToListAsync<T>(IAsyncEnumerable<T> source)
    {
        var list = new List<T>();
        await foreach (var item in source) list.Add(item);
        return list;
    }

    /// <summary>Validates rows with checksums and returns the reasons of every invalid one.</summary>
    public async Task<List<string>> ValidateAsync(IEnumerable<AssetLockEntry> rows)
    {
        var validator = new AssetValidator(StoreFor, new AssetValidationOptions { Checksum = true, Retry = FastRetry });
        var problems = new List<string>();
        await foreach (var result in validator.ValidateAsync(rows, CancellationToken.None))
        {
            if (!result.Valid) problems.Add($"{result.Entry}: {string.Join("; ", result.Reasons)}");
        }
        return problems;
    }

    public void Dispose()
    {
        foreach (var store in _stores.Values) (store as IDisposable)?.Dispose();
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temp folder is harmless.
        }
    }
}
