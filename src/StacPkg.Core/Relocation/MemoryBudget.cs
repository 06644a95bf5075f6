namespace StacPkg.Core.Relocation;

/// <summary>
/// Bytes of copy buffers that may be held at once. A copy reserves its buffer before reading and gives
/// it back after writing, so the sum held never exceeds the limit; <see cref="PeakBytes"/> proves it in tests.
/// </summary>
internal sealed class MemoryBudget : IDisposable
{
    private readonly object _sync = new();

    // First come, first served: a large reservation is not starved by a stream of small ones, and
    // a reservation takes its bytes all at once, so two waiting never each hold part of what they need.
    private readonly LinkedList<Waiter> _waiters = new();
    private long _heldBytes;
    private long _peakBytes;
    private bool _disposed;

    public MemoryBudget(long limitBytes)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(limitBytes, 1);
        LimitBytes = limitBytes;
    }

    public long LimitBytes { get; }

    /// <summary>The most bytes ever held at once.</summary>
    public long PeakBytes => Interlocked.Read(ref _peakBytes);

    /// <summary>Waits until <paramref name="bytes"/> fit, then holds them until the returned lease is disposed.</summary>
    public Task<IDisposable> ReserveAsync(long bytes, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(bytes);
        if (bytes > LimitBytes) throw new InvalidOperationException($"a copy needs {bytes} bytes of buffers, more than the memory limit of {LimitBytes}");
        cancellationToken.ThrowIfCancellationRequested();
        Waiter waiter;
        lock (_sync)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (_waiters.Count == 0 && _heldBytes + bytes <= LimitBytes)
            {
                Take(bytes);
                return Task.FromResult<IDisposable>(new Lease(this, bytes));
            }
            waiter = new Waiter(bytes);
            waiter.Node = _waiters.AddLast(waiter);
            // Under the lock (re-entered if the token is already cancelled), so a grant sees the registration.
            waiter.Cancellation = cancellationToken.Register(() => Cancel(waiter, cancellationToken));
        }
        return waiter.Granted.Task;
    }

    public void Dispose()
    {
        List<Waiter> waiting;
        lock (_sync)
        {
            _disposed = true;
            waiting = [.. _waiters];
            _waiters.Clear();
            foreach (var waiter in waiting) waiter.Node = null;
        }
        foreach (var waiter in waiting)
        {
            waiter.Cancellation.Dispose();
            waiter.Granted.TrySetException(new ObjectDisposedException(nameof(MemoryBudget)));
        }
    }

    private void Take(long bytes)
    {
        _heldBytes += bytes;
        if (_heldBytes > _peakBytes) Interlocked.Exchange(ref _peakBytes, _heldBytes);
    }

    private void Release(long bytes)
    {
        List<Waiter>? granted = null;
        lock (_sync)
        {
            _heldBytes -= bytes;
            while (_waiters.First is { } first && _heldBytes + first.Value.Bytes <= LimitBytes)
            {
                _waiters.RemoveFirst();
                first.Value.Node = null;
                Take(first.Value.Bytes);
                (granted ??= []).Add(first.Value);
            }
        }
        // Completed outside the lock (and asynchronously): a waiter's continuation never runs under it.
        foreach (var waiter in granted ?? [])
        {
            waiter.Cancellation.Dispose();
            waiter.Granted.SetResult(new Lease(this, waiter.Bytes));
        }
    }

    private void Cancel(Waiter waiter, CancellationToken cancellationToken)
    {
        lock (_sync)
        {
            if (waiter.Node is null) return; // already granted
            _waiters.Remove(waiter.Node);
            waiter.Node = null;
        }
        waiter.Granted.TrySetCanceled(cancellationToken);
        // The head may have been the one blocking smaller reservations behind it.
        Release(0);
    }

    private sealed class Waiter(long bytes)
    {
        public long Bytes { get; } = bytes;
        public TaskCompletionSource<IDisposable> Granted { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
        public LinkedListNode<Waiter>? Node { get; set; }
        public CancellationTokenRegistration Cancellation { get; set; }
    }

    private sealed class Lease(MemoryBudget budget, long bytes) : IDisposable
    {
        private int _released;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _released, 1) != 0) return;
            budget.Release(bytes);
        }
    }
}
