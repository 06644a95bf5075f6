namespace StacPkg.Core.Stores;

/// <summary>How <see cref="Retry"/> retries transient failures: attempts in all, and an exponential backoff with jitter.</summary>
public sealed record RetryPolicy
{
    /// <summary>4 attempts, waiting about 100 ms, 200 ms, 400 ms between them.</summary>
    public static RetryPolicy Default { get; } = new();

    /// <summary>Attempts in all, the first included (1 = no retry).</summary>
    public int MaxAttempts { get; init; } = 4;

    public TimeSpan InitialDelay { get; init; } = TimeSpan.FromMilliseconds(100);

    public TimeSpan MaxDelay { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// The wait before attempt <paramref name="attempt"/> + 1: doubling from <see cref="InitialDelay"/>,
    /// capped, then spread over [½, 1½)× so parallel callers do not retry in lockstep.
    /// </summary>
    public TimeSpan DelayAfter(int attempt, double random01)
    {
        var exponent = Math.Min(attempt - 1, 30);
        var nominal = Math.Min(InitialDelay.TotalMilliseconds * Math.Pow(2, exponent), MaxDelay.TotalMilliseconds);
        return TimeSpan.FromMilliseconds(nominal * (0.5 + random01));
    }
}
