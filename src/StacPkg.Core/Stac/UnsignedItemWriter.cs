using System.Collections.Concurrent;
using System.Globalization;

namespace StacPkg.Core.Stac;

/// <summary>
/// An Item writer that takes the signing parameters out of every href before the Item reaches the
/// file (<see cref="SignedHrefs"/>), and says once, on completion, how many hrefs of how many Items it changed.
/// </summary>
public sealed class UnsignedItemWriter : IStacItemWriter
{
    /// <summary>The opt-out named in the warning; the cmdlets' switch carries the same name.</summary>
    public const string KeepSwitch = "-KeepSignedHref";

    private readonly IStacItemWriter _inner;
    private long _hrefs;
    private long _items;

    public UnsignedItemWriter(IStacItemWriter inner) => _inner = inner;

    public long Count => _inner.Count;

    public long Encoded => _inner.Encoded;

    public ConcurrentQueue<string> Warnings => _inner.Warnings;

    public async ValueTask WriteAsync(StacItem item, CancellationToken cancellationToken)
    {
        var unsigned = SignedHrefs.Remove(item, out var removed);
        await _inner.WriteAsync(unsigned, cancellationToken).ConfigureAwait(false);
        // Counted only once the Item was taken: a refused Item was not written with or without its signature.
        if (removed > 0)
        {
            _hrefs += removed;
            _items++;
        }
    }

    public async Task CompleteAsync(CancellationToken cancellationToken)
    {
        await _inner.CompleteAsync(cancellationToken).ConfigureAwait(false);
        if (_hrefs > 0)
        {
            Warnings.Enqueue(string.Create(CultureInfo.InvariantCulture,
                $"removed signing parameters or credentials (SAS, presigned URL, token, API key, URL password) from {_hrefs} hrefs in {_items} Items; use {KeepSwitch} to keep them"));
        }
    }

    public ValueTask DisposeAsync() => _inner.DisposeAsync();
}
