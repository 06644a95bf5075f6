using System.Collections.Concurrent;

namespace StacPkg.Core.Stac;

/// <summary>
/// Writes Items to a file as they arrive. Nothing appears under the target name until
/// <see cref="CompleteAsync"/> succeeds; disposing without completing leaves the target untouched.
/// </summary>
public interface IStacItemWriter : IAsyncDisposable
{
    /// <summary>Items accepted so far.</summary>
    long Count { get; }

    /// <summary>
    /// Items in the output so far. Text writers write each Item as it comes; the GeoParquet writer
    /// encodes row groups only in <see cref="CompleteAsync"/>, which advances this as it goes (for progress).
    /// </summary>
    long Encoded { get; }

    /// <summary>Warnings for the user (e.g. a timestamp without a UTC offset); the caller drains them on its own thread.</summary>
    ConcurrentQueue<string> Warnings { get; }

    ValueTask WriteAsync(StacItem item, CancellationToken cancellationToken);

    Task CompleteAsync(CancellationToken cancellationToken);
}
