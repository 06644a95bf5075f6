using System.Collections.Concurrent;
using StacPkg.Core.Stores;

namespace StacPkg.Core.Tests.Lock;

/// <summary>
/// An in-memory store for unit tests of the comparison, retry and concurrency logic: objects by key,
/// failures injected per key, and a count of concurrent HeadAsync calls.
/// </summary>
internal sealed class MemoryObjectStore : IObjectStore
{
    private int _inFlight;
    private int _maxInFlight;
    private int _heads;

    public ConcurrentDictionary<string, (byte[] Content, ObjectFacts Facts)> Objects { get; } = new();

    /// <summary>Failures to throw, in order, before HeadAsync answers for a key.</summary>
    public ConcurrentDictionary<string, ConcurrentQueue<StoreException>> Failures { get; } = new();

    public TimeSpan HeadDelay { get; set; }

    public int MaxInFlight => Volatile.Read(ref _maxInFlight);
    public int Heads => Volatile.Read(ref _heads);

    public void Put(string key, byte[] content, string? etag = null, DateTimeOffset? lastModified = null) =>
        Objects[key] = (content, new ObjectFacts(content.Length, etag, lastModified, null));

    public void Fail(string key, params StoreException[] failures) => Failures[key] = new ConcurrentQueue<StoreException>(failures);

    public async Task<ObjectFacts?> HeadAsync(AssetLocation location, CancellationToken cancellationToken)
    {
        var now = Interlocked.Increment(ref _inFlight);
        int seen;
        while ((seen = Volatile.Read(ref _maxInFlight)) < now && Interlocked.CompareExchange(ref _maxInFlight, now, seen) != seen)
        {
        }
        try
        {
            if (HeadDelay > TimeSpan.Zero)
            {
                await Task.Delay(HeadDelay, cancellationToken);
            }
            else
            {
                await Task.Yield();
            }
            if (Failures.TryGetValue(location.Key, out var queue) && queue.TryDequeue(out var failure))
            {
                throw failure;
            }
            return Objects.TryGetValue(location.Key, out var o) ? o.Facts : null;
        }
        finally
        {
            Interlocked.Decrement(ref _inFlight);
            Interlocked.Increment(ref _heads);
        }
    }

    public Task<Stream> OpenReadAsync(AssetLocation location, long offset, long? length, CancellationToken cancellationToken) =>
        Objects.TryGetValue(location.Key, out var o)
            ? Task.FromResult<Stream>(new MemoryStream(o.Content, writable: false))
            : throw new StoreException(StoreErrorKind.Permanent, $"{location.Key}: not found");

    public Task<ObjectFacts> WriteAsync(AssetLocation location, Stream content, long? length, CancellationToken cancellationToken) =>
        throw new NotSupportedException();

    public Task<bool> ExistsAsync(AssetLocation location, CancellationToken cancellationToken) =>
        Task.FromResult(Objects.ContainsKey(location.Key));

    public Task DeleteAsync(AssetLocation location, CancellationToken cancellationToken)
    {
        Objects.TryRemove(location.Key, out _);
        return Task.CompletedTask;
    }
}
