using System.Diagnostics;
using StacPkg.Core.Stores;

namespace StacPkg.Core.Tests;

public class RetryTests
{
    private static readonly RetryPolicy Fast = new() { MaxAttempts = 4, InitialDelay = TimeSpan.FromMilliseconds(5) };

    [Fact]
    public async Task TransientFailuresAreRetriedUntilSuccess()
    {
        var calls = 0;

        var result = await Retry.RunAsync(_ =>
        {
            calls++;
            return calls switch
            {
                1 => throw new StoreException(StoreErrorKind.Transient, "503"),
                2 => throw new HttpRequestException("reset"),
                _ => Task.FromResult(42),
            };
        }, Fast, CancellationToken.None);

        Assert.Equal(42, result);
        Assert.Equal(3, calls);
    }

    [Theory]
    [InlineData(StoreErrorKind.Permanent)]
    [InlineData(StoreErrorKind.Unauthorized)]
    [InlineData(StoreErrorKind.Unreachable)]
    public async Task NonTransientFailuresAreNotRetried(StoreErrorKind kind)
    {
        var calls = 0;

        var error = await Assert.ThrowsAsync<StoreException>(() => Retry.RunAsync<int>(_ =>
        {
            calls++;
            throw new StoreException(kind, "no");
        }, Fast, CancellationToken.None));

        Assert.Equal(kind, error.Kind);
        Assert.Equal(1, calls);
    }

    [Fact]
    public async Task GivesUpAfterMaxAttemptsWithTheLastError()
    {
        var calls = 0;

        var error = await Assert.ThrowsAsync<StoreException>(() => Retry.RunAsync<int>(_ =>
        {
            calls++;
            throw new IOException($"reset {calls}");
        }, Fast, CancellationToken.None));

        Assert.Equal(4, calls);
        Assert.Equal(StoreErrorKind.Transient, error.Kind);
        Assert.Contains("reset 4", error.Message);
    }

    [Fact]
    public async Task CancellationStopsTheBackoffPromptly()
    {
        var slow = new RetryPolicy { MaxAttempts = 10, InitialDelay = TimeSpan.FromSeconds(30) };
        using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(100));
        var calls = 0;
        var watch = Stopwatch.StartNew();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => Retry.RunAsync<int>(_ =>
        {
            calls++;
            throw new StoreException(StoreErrorKind.Transient, "503");
        }, slow, cts.Token));

        Assert.Equal(1, calls);
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(5), $"took {watch.Elapsed}");
    }

    [Fact]
    public async Task TheCallersCancellationIsNeverRetried()
    {
        using var cts = new CancellationTokenSource();
        var calls = 0;

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => Retry.RunAsync<int>(ct =>
        {
            calls++;
            cts.Cancel();
            ct.ThrowIfCancellationRequested();
            return Task.FromResult(1);
        }, Fast, cts.Token));

        Assert.Equal(1, calls);
    }

    [Fact]
    public void DelaysGrowExponentiallyWithJitterAndACap()
    {
        var policy = new RetryPolicy { InitialDelay = TimeSpan.FromMilliseconds(100), MaxDelay = TimeSpan.FromMilliseconds(300) };

        Assert.Equal(TimeSpan.FromMilliseconds(50), policy.DelayAfter(1, 0));
        Assert.Equal(TimeSpan.FromMilliseconds(200), policy.DelayAfter(2, 0.5));
        Assert.Equal(TimeSpan.FromMilliseconds(300), policy.DelayAfter(5, 0.5));
    }
}
