using System.Runtime.CompilerServices;
using System.Threading.Channels;

namespace StacPkg.Core.Lock;

/// <summary>
/// Runs an async function over a stream of inputs with at most N calls in flight, streaming the
/// results back. Inputs are pulled only as workers free up and results wait in a small bounded
/// buffer, so memory stays flat however long the input is.
/// </summary>
internal static class BoundedParallel
{
    /// <summary>Results in the order their calls complete (first finished, first out).</summary>
    public static async IAsyncEnumerable<TOut> SelectAsCompletedAsync<TIn, TOut>(
        IAsyncEnumerable<TIn> source, Func<TIn, CancellationToken, Task<TOut>> select, int degree,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        degree = Math.Max(1, degree);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var inputs = Channel.CreateBounded<TIn>(new BoundedChannelOptions(degree) { SingleWriter = true });
        var outputs = Channel.CreateBounded<TOut>(new BoundedChannelOptions(degree * 2) { SingleReader = true });
        var producer = Task.Run(() => ProduceAsync(source, inputs.Writer, stop.Token), CancellationToken.None);
        var workers = new Task[degree];
        for (var i = 0; i < degree; i++)
        {
            workers[i] = Task.Run(async () =>
            {
                await foreach (var input in inputs.Reader.ReadAllAsync(stop.Token).ConfigureAwait(false))
                {
                    var output = await select(input, stop.Token).ConfigureAwait(false);
                    await outputs.Writer.WriteAsync(output, stop.Token).ConfigureAwait(false);
                }
            }, CancellationToken.None);
        }
        var completion = CompleteWhenDoneAsync(workers, outputs.Writer);
        try
        {
            await foreach (var output in outputs.Reader.ReadAllAsync(cancellationToken).ConfigureAwait(false))
            {
                yield return output;
            }
        }
        finally
        {
            // Stop the producer and workers if the consumer left early, and never leave them running.
            stop.Cancel();
            await WhenAllQuietlyAsync([producer, completion, .. workers]).ConfigureAwait(false);
        }
        // The consumer saw the whole stream: surface a failure that ended it early.
        await producer.ConfigureAwait(false);
        await completion.ConfigureAwait(false);
    }

    /// <summary>Results in input order; a slow call holds back later results, at most a bounded window of them.</summary>
    public static async IAsyncEnumerable<TOut> SelectInOrderAsync<TIn, TOut>(
        IAsyncEnumerable<TIn> source, Func<TIn, CancellationToken, Task<TOut>> select, int degree,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        degree = Math.Max(1, degree);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        using var slots = new SemaphoreSlim(degree, degree);
        var pending = Channel.CreateBounded<Task<TOut>>(new BoundedChannelOptions(degree * 2) { SingleReader = true, SingleWriter = true });
        var started = new List<Task<TOut>>();
        var producer = Task.Run(async () =>
        {
            try
            {
                await foreach (var input in source.WithCancellation(stop.Token).ConfigureAwait(false))
                {
                    await slots.WaitAsync(stop.Token).ConfigureAwait(false);
                    var call = RunAsync(input);
                    await pending.Writer.WriteAsync(call, stop.Token).ConfigureAwait(false);
                }
                pending.Writer.Complete();
            }
            catch (Exception ex)
            {
                pending.Writer.TryComplete(ex);
            }
        }, CancellationToken.None);

        async Task<TOut> RunAsync(TIn input)
        {
            try
            {
                return await select(input, stop.Token).ConfigureAwait(false);
            }
            finally
            {
                slots.Release();
            }
        }

        try
        {
            await foreach (var call in pending.Reader.ReadAllAsync(cancellationToken).ConfigureAwait(false))
            {
                started.Add(call);
                var output = await call.ConfigureAwait(false);
                started.Remove(call);
                yield return output;
            }
        }
        finally
        {
            stop.Cancel();
            await producer.ConfigureAwait(false);
            // Calls already queued must finish before the semaphore they release is disposed.
            while (pending.Reader.TryRead(out var call))
            {
                started.Add(call);
            }
            await WhenAllQuietlyAsync(started).ConfigureAwait(false);
        }
    }

    private static async Task ProduceAsync<TIn>(IAsyncEnumerable<TIn> source, ChannelWriter<TIn> writer, CancellationToken cancellationToken)
    {
        try
        {
            await foreach (var input in source.WithCancellation(cancellationToken).ConfigureAwait(false))
            {
                await writer.WriteAsync(input, cancellationToken).ConfigureAwait(false);
            }
            writer.Complete();
        }
        catch (Exception ex)
        {
            writer.TryComplete(ex);
            throw;
        }
    }

    private static async Task CompleteWhenDoneAsync<TOut>(Task[] workers, ChannelWriter<TOut> outputs)
    {
        try
        {
            await Task.WhenAll(workers).ConfigureAwait(false);
            outputs.Complete();
        }
        catch (Exception ex)
        {
            outputs.TryComplete(ex);
            throw;
        }
    }

    private static Task WhenAllQuietlyAsync(IEnumerable<Task> tasks) =>
        Task.WhenAll(tasks).ContinueWith(_ => { }, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
}
