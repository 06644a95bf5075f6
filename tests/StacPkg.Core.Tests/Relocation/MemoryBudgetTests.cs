using StacPkg.Core.Relocation;

namespace StacPkg.Core.Tests.Relocation;

public sealed class MemoryBudgetTests
{
    [Fact]
    public async Task AReservationWaitsUntilItsBytesFitAndTakesThemAtOnce()
    {
        using var budget = new MemoryBudget(8 << 20);
        var first = await budget.ReserveAsync(6 << 20, CancellationToken.None);
        var second = budget.ReserveAsync(8 << 20, CancellationToken.None);
        // First come, first served: a small one asked later waits behind the large one.
        var third = budget.ReserveAsync(1 << 20, CancellationToken.None);
        Assert.False(second.IsCompleted);
        Assert.False(third.IsCompleted);

        first.Dispose();
        using (await second.WaitAsync(TimeSpan.FromSeconds(30)))
        {
            Assert.False(third.IsCompleted);
            Assert.Equal(8 << 20, budget.PeakBytes);
        }
        (await third.WaitAsync(TimeSpan.FromSeconds(30))).Dispose();
    }

    [Fact]
    public async Task ACancelledReservationTakesNothingAndLetsTheOthersThrough()
    {
        using var budget = new MemoryBudget(4096);
        var held = await budget.ReserveAsync(3072, CancellationToken.None);
        using var stop = new CancellationTokenSource();
        var cancelled = budget.ReserveAsync(4096, stop.Token);
        var small = budget.ReserveAsync(1024, CancellationToken.None);
        Assert.False(small.IsCompleted); // behind the large one

        await stop.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => cancelled);
        (await small.WaitAsync(TimeSpan.FromSeconds(30))).Dispose();
        held.Dispose();
        (await budget.ReserveAsync(4096, CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(30))).Dispose();
        Assert.Equal(4096, budget.PeakBytes);
    }

    [Fact]
    public async Task MoreThanTheLimitIsRefused()
    {
        using var budget = new MemoryBudget(4096);
        await Assert.ThrowsAsync<InvalidOperationException>(() => budget.ReserveAsync(4097, CancellationToken.None));
    }
}
