using System.Management.Automation;

namespace StacPkg.PowerShell;

/// <summary>
/// What every StacPkg cmdlet shares: one cancellation source per pipeline run, cancelled by Ctrl+C
/// (StopProcessing) or by SIGTERM/SIGHUP (<see cref="TerminationSignal"/>) and handed to every Core call, and blocking waits on Core's async APIs. The
/// waits run on the pipeline thread, so Write* after them is always on the pipeline thread.
/// </summary>
public abstract class StacCmdlet : PSCmdlet, IDisposable
{
    private static readonly TimeSpan TickInterval = TimeSpan.FromMilliseconds(100);

    private readonly CancellationTokenSource _stopping;
    private readonly IDisposable _termination;

    protected StacCmdlet()
    {
        _stopping = new CancellationTokenSource();
        _termination = TerminationSignal.Watch(_stopping);
    }

    protected internal CancellationToken CancellationToken => _stopping.Token;

    protected override void StopProcessing() => _stopping.Cancel();

    protected internal void Wait(Task task)
    {
        try
        {
            task.GetAwaiter().GetResult();
        }
        catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
        {
            throw new PipelineStoppedException();
        }
    }

    /// <summary>Waits as <see cref="Wait(Task)"/>, calling <paramref name="tick"/> on this thread a few times a second meanwhile (for progress).</summary>
    protected internal void Wait(Task task, Action tick)
    {
        while (!task.IsCompleted)
        {
            Task.WhenAny(task, Task.Delay(TickInterval)).GetAwaiter().GetResult();
            if (!task.IsCompleted)
            {
                tick();
            }
        }
        Wait(task);
    }

    protected void Wait(ValueTask task)
    {
        if (task.IsCompletedSuccessfully)
        {
            return;
        }
        Wait(task.AsTask());
    }

    protected T Wait<T>(ValueTask<T> task)
    {
        if (task.IsCompletedSuccessfully)
        {
            return task.Result;
        }
        var asTask = task.AsTask();
        Wait((Task)asTask);
        return asTask.Result;
    }

    // Every record, message and progress line of a StacPkg cmdlet passes through these, so no password,
    // signature or token in an href, destination, endpoint or reference reaches $Error or a stream
    // (StacErrors.Redacted). They hide Cmdlet's methods: helpers take a StacCmdlet, never a Cmdlet.

    public new void WriteError(ErrorRecord errorRecord) => base.WriteError(StacErrors.Redacted(errorRecord));

    public new void ThrowTerminatingError(ErrorRecord errorRecord) => base.ThrowTerminatingError(StacErrors.Redacted(errorRecord));

    public new void WriteWarning(string text) => base.WriteWarning(StacErrors.Redacted(text));

    public new void WriteVerbose(string text) => base.WriteVerbose(StacErrors.Redacted(text));

    public new void WriteDebug(string text) => base.WriteDebug(StacErrors.Redacted(text));

    public new void WriteProgress(ProgressRecord progressRecord)
    {
        progressRecord.Activity = StacErrors.Redacted(progressRecord.Activity);
        progressRecord.StatusDescription = StacErrors.Redacted(progressRecord.StatusDescription);
        base.WriteProgress(progressRecord);
    }

    public void Dispose()
    {
        Dispose(disposing: true);
        GC.SuppressFinalize(this);
    }

    /// <summary>PowerShell disposes a cmdlet when its pipeline ends, also when it failed or was stopped.</summary>
    protected virtual void Dispose(bool disposing)
    {
        if (disposing)
        {
            // Derived cmdlets have cleaned up by now (they call this last): a pending termination may proceed.
            _termination.Dispose();
            _stopping.Dispose();
        }
    }
}
