using System.Runtime.ExceptionServices;

namespace StacPkg.Core.Stores;

/// <summary>Runs a store operation again after transient failures (5xx, 429, resets, timeouts), with backoff.</summary>
public static class Retry
{
    /// <summary>
    /// Runs <paramref name="operation"/>, retrying a transient failure until
    /// <see cref="RetryPolicy.MaxAttempts"/>; any other failure, and the last transient one, is thrown
    /// (transport exceptions as a transient <see cref="StoreException"/>). Cancellation stops the waits
    /// and is never retried.
    /// </summary>
    public static async Task<T> RunAsync<T>(Func<CancellationToken, Task<T>> operation, RetryPolicy policy, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(operation);
        ArgumentNullException.ThrowIfNull(policy);
        for (var attempt = 1; ; attempt++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            try
            {
                return await operation(cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (IsTransient(e, cancellationToken))
            {
                if (attempt >= policy.MaxAttempts)
                {
                    if (e is StoreException) ExceptionDispatchInfo.Capture(e).Throw();
                    throw new StoreException(StoreErrorKind.Transient, $"gave up after {attempt} attempts: {e.Message}", e);
                }
                await Task.Delay(policy.DelayAfter(attempt, Random.Shared.NextDouble()), cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <inheritdoc cref="RunAsync{T}(Func{CancellationToken, Task{T}}, RetryPolicy, CancellationToken)"/>
    public static Task RunAsync(Func<CancellationToken, Task> operation, RetryPolicy policy, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(operation);
        return RunAsync(async ct =>
        {
            await operation(ct).ConfigureAwait(false);
            return true;
        }, policy, cancellationToken);
    }

    /// <summary>Whether <paramref name="e"/> may go away on retry. A cancellation the caller asked for never does.</summary>
    public static bool IsTransient(Exception e, CancellationToken cancellationToken) => e switch
    {
        StoreException store => store.Kind == StoreErrorKind.Transient,
        OperationCanceledException => !cancellationToken.IsCancellationRequested, // a timeout inside the operation
        HttpRequestException or IOException or TimeoutException => true,
        _ => false,
    };
}
