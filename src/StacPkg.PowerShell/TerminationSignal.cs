using System.Runtime.InteropServices;

namespace StacPkg.PowerShell;

/// <summary>
/// SIGTERM (sent by <c>timeout</c>, CI cancellation, Kubernetes) and SIGHUP (a closed terminal) stop
/// the running StacPkg cmdlets as Ctrl+C does, so that they remove their temporary files, and then
/// let the process end as the signal asks. Without this, the runtime ends the process at once and
/// a spool or half-built package of hundreds of MB stays beside the target.
/// </summary>
internal static class TerminationSignal
{
    // Long enough to cancel and delete temporary files, short enough for a Kubernetes grace period (30 s).
    private static readonly TimeSpan CleanupWait = TimeSpan.FromSeconds(10);

    private static readonly object Gate = new();
    private static readonly HashSet<CancellationTokenSource> Running = [];
    private static readonly ManualResetEventSlim Idle = new(initialState: true);
    private static PosixSignalRegistration[]? _registrations;

    /// <summary>Cancels <paramref name="stopping"/> on SIGTERM or SIGHUP until the returned handle is disposed (when the cmdlet's cleanup is done).</summary>
    public static IDisposable Watch(CancellationTokenSource stopping)
    {
        if (OperatingSystem.IsWindows())
        {
            return Nothing.Instance; // no POSIX termination signals there; console close is a separate matter
        }
        lock (Gate)
        {
            Running.Add(stopping);
            Idle.Reset();
            _registrations ??= [PosixSignalRegistration.Create(PosixSignal.SIGTERM, Stop), PosixSignalRegistration.Create(PosixSignal.SIGHUP, Stop)];
        }
        return new Handle(stopping);
    }

    private static void Stop(PosixSignalContext context)
    {
        lock (Gate)
        {
            foreach (var stopping in Running)
            {
                stopping.Cancel();
            }
        }
        // The cmdlets clean up on the pipeline thread; the signal's default action (ending the
        // process) follows once they are done, or after the wait at the latest.
        Idle.Wait(CleanupWait);
    }

    private static void Leave(CancellationTokenSource stopping)
    {
        lock (Gate)
        {
            Running.Remove(stopping);
            if (Running.Count == 0)
            {
                Idle.Set();
                // Outside a StacPkg pipeline the signals keep their usual meaning, untouched.
                foreach (var registration in _registrations ?? [])
                {
                    registration.Dispose();
                }
                _registrations = null;
            }
        }
    }

    private sealed class Handle(CancellationTokenSource stopping) : IDisposable
    {
        private int _disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0)
            {
                Leave(stopping);
            }
        }
    }

    private sealed class Nothing : IDisposable
    {
        public static readonly Nothing Instance = new();

        public void Dispose()
        {
        }
    }
}
