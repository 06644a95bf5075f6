namespace StacPkg.Core.Relocation;

/// <summary>
/// Bytes of copy buffers that may be held at once. A copy reserves its buffer before reading and gives
/// it back after writing, so the sum held never exceeds the limit; <see cref="PeakBytes"/> proves it in tests.
/// </summary>
internal sealed class MemoryBudget : IDisposable
{
    // A SemaphoreSlim counts ints: the budget counts in KiB so limits beyond 2 GiB still fit.
    private const long Unit = 1024;
    private readonly SemaphoreSlim _units;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private long _heldBytes;
    private long _peakBytes;

    public MemoryBudget(long limitBytes)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(limitBytes, Unit);
        LimitBytes = limitBytes;
        var units = (int)Math.Min(int.MaxValue, limitBytes / Unit);
        _units = new SemaphoreSlim(units, units);
    }

    public long LimitBytes { get; }

    /// <summary>The most bytes ever held at once.</summary>
    public long PeakBytes => Interlocked.Read(ref _peakBytes);

    /// <summary>Waits until <paramref name="bytes"/> fit, then holds them until the returned lease is disposed.</summary>
    public async Task<IDisposable> ReserveAsync(long bytes, CancellationToken cancellationToken)
    {
        var units = (int)((bytes + Unit - 1) / Unit);
        if (units * Unit > LimitBytes) throw new InvalidOperationException($"a copy needs {bytes} bytes of buffers, more than the memory limit of {LimitBytes}");
        var taken = 0;
        // One reserver gathers units at a time: two gathering at once could each hold half and wait forever.
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            for (; taken < units; taken++) await _units.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            if (taken > 0) _units.Release(taken);
            throw;
        }
        finally
        {
            _gate.Release();
        }
        var held = Interlocked.Add(ref _heldBytes, units * Unit);
        long peak;
        while (held > (peak = Interlocked.Read(ref _peakBytes)) && Interlocked.CompareExchange(ref _peakBytes, held, peak) != peak)
        {
        }
        return new Lease(this, units);
    }

    public void Dispose()
    {
        _units.Dispose();
        _gate.Dispose();
    }

    private sealed class Lease(MemoryBudget budget, int units) : IDisposable
    {
        private int _released;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _released, 1) != 0) return;
            Interlocked.Add(ref budget._heldBytes, -units * Unit);
            budget._units.Release(units);
        }
    }
}
