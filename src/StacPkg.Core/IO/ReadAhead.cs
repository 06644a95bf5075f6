using System.Runtime.CompilerServices;
using System.Threading.Channels;

namespace StacPkg.Core.IO;

/// <summary>
/// Runs an async sequence on another core, a bounded number of batches ahead of its consumer, so
/// that parsing overlaps with whatever the consumer does (a PowerShell pipeline, a writer).
/// </summary>
internal static class ReadAhead
{
    private const int BatchSize = 64;
    private const int BatchesAhead = 8;

    public static async IAsyncEnumerable<T> Run<T>(IAsyncEnumerable<T> source, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        using var gc = new BatchGcScope();
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var channel = Channel.CreateBounded<List<T>>(new BoundedChannelOptions(BatchesAhead) { SingleReader = true, SingleWriter = true });
        var producer = Task.Run(() => ProduceAsync(source, channel.Writer, stop.Token), stop.Token);
        try
        {
            await foreach (var batch in channel.Reader.ReadAllAsync(stop.Token).ConfigureAwait(false))
            {
                foreach (var item in batch)
                {
                    yield return item;
                }
            }
        }
        finally
        {
            // The consumer may stop early (Select-Object -First, Ctrl+C): stop the producer too.
            await stop.CancelAsync().ConfigureAwait(false);
            await producer.ContinueWith(_ => { }, TaskScheduler.Default).ConfigureAwait(false);
        }
    }

    private static async Task ProduceAsync<T>(IAsyncEnumerable<T> source, ChannelWriter<List<T>> writer, CancellationToken cancellationToken)
    {
        try
        {
            var batch = new List<T>(BatchSize);
            await foreach (var item in source.WithCancellation(cancellationToken).ConfigureAwait(false))
            {
                batch.Add(item);
                if (batch.Count == BatchSize)
                {
                    await writer.WriteAsync(batch, cancellationToken).ConfigureAwait(false);
                    batch = new List<T>(BatchSize);
                }
            }
            if (batch.Count > 0)
            {
                await writer.WriteAsync(batch, cancellationToken).ConfigureAwait(false);
            }
            writer.Complete();
        }
        catch (Exception ex)
        {
            writer.TryComplete(ex);
        }
    }
}
