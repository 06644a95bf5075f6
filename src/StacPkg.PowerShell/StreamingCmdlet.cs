using System.Management.Automation;
using System.Threading.Channels;

namespace StacPkg.PowerShell;

/// <summary>
/// A cmdlet whose pipeline input streams into one concurrent Core operation
/// (<c>IAsyncEnumerable&lt;TIn&gt;</c> → <c>IAsyncEnumerable&lt;TOut&gt;</c>) while its results stream out.
/// ProcessRecord feeds a bounded channel and writes whatever results are ready without blocking;
/// EndProcessing completes the channel and writes the rest. Results are only ever taken from the
/// operation on the pipeline thread, so every Write* stays there; Ctrl+C cancels the operation and
/// every wait.
/// </summary>
public abstract class StreamingCmdlet<TIn, TOut> : StacCmdlet
{
    // Enough input queued to keep the workers busy between two pipeline records, small enough that a
    // million-row input never sits in memory.
    private const int InputCapacity = 256;

    private Channel<TIn>? _input;
    private CancellationTokenSource? _run;
    private IAsyncEnumerator<TOut>? _output;
    private Task<bool>? _next;
    private bool _outputEnded;

    /// <summary>Starts the Core operation over the input stream; called once, on the first input.</summary>
    protected abstract IAsyncEnumerable<TOut> Start(IAsyncEnumerable<TIn> input, CancellationToken cancellationToken);

    /// <summary>Writes one result (on the pipeline thread).</summary>
    protected abstract void Emit(TOut result);

    /// <summary>A failure of the operation as a whole (not of one record): the terminating error to throw.</summary>
    protected abstract ErrorRecord OperationFailed(Exception error);

    /// <summary>Queues one input; writes the results that are ready; waits (still writing results) only while the queue is full.</summary>
    protected void Feed(TIn item)
    {
        var writer = StartOperation().Writer;
        while (!writer.TryWrite(item))
        {
            if (_outputEnded)
            {
                // The operation has finished and reads no more input; nothing would take this record.
                return;
            }
            // The queue is full: wait for room or for a result, whichever comes first. Results must be
            // taken meanwhile, or an operation whose output is bounded would never free the room.
            var room = writer.WaitToWriteAsync(_run!.Token).AsTask();
            if (_next is { } next && !_outputEnded)
            {
                Wait(Task.WhenAny(room, next));
                if (CancellationToken.IsCancellationRequested)
                {
                    throw new PipelineStoppedException();
                }
                DrainReady();
            }
            else
            {
                WaitOperation(room);
            }
        }
        DrainReady();
    }

    /// <summary>Ends the input and writes every remaining result, in the order they complete.</summary>
    protected void Complete()
    {
        if (_input is null)
        {
            return;
        }
        _input.Writer.TryComplete();
        while (!_outputEnded)
        {
            WaitOperation(_next!);
            DrainReady();
        }
    }

    /// <summary>Writes the results that have already completed, without waiting.</summary>
    protected void DrainReady()
    {
        while (!_outputEnded && _next is { IsCompleted: true } next)
        {
            bool more;
            try
            {
                more = next.GetAwaiter().GetResult();
            }
            catch (OperationCanceledException) when (CancellationToken.IsCancellationRequested)
            {
                throw new PipelineStoppedException();
            }
            catch (Exception ex) when (ex is not PipelineStoppedException)
            {
                _outputEnded = true;
                ThrowTerminatingError(OperationFailed(ex));
                return;
            }
            if (!more)
            {
                _outputEnded = true;
                return;
            }
            var result = _output!.Current;
            _next = _output.MoveNextAsync().AsTask();
            Emit(result);
        }
    }

    /// <summary>Starts the operation if no input has yet (Feed does it on the first input).</summary>
    protected Channel<TIn> StartOperation()
    {
        if (_input is not null)
        {
            return _input;
        }
        _input = Channel.CreateBounded<TIn>(new BoundedChannelOptions(InputCapacity)
        {
            SingleWriter = true,
            FullMode = BoundedChannelFullMode.Wait,
        });
        // A source of its own, so that a pipeline that ends early (an error downstream, Select-Object
        // -First) can stop the workers in Dispose without a Ctrl+C.
        _run = CancellationTokenSource.CreateLinkedTokenSource(CancellationToken);
        _output = Start(_input.Reader.ReadAllAsync(_run.Token), _run.Token).GetAsyncEnumerator(_run.Token);
        _next = _output.MoveNextAsync().AsTask();
        return _input;
    }

    // Waits for a task the operation's failure may end: that failure surfaces through DrainReady.
    private void WaitOperation(Task task)
    {
        try
        {
            Wait(task);
        }
        catch (Exception ex) when (ex is not PipelineStoppedException && !_outputEnded && _next is { IsCompleted: true })
        {
            // The operation failed and closed the channel: report its own error, not the channel's.
        }
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing && _output is { } output)
        {
            _output = null;
            _run!.Cancel();
            _input!.Writer.TryComplete();
            try
            {
                // Let the in-flight MoveNext settle first: an enumerator must not be disposed under it.
                _next?.ContinueWith(static _ => { }, TaskScheduler.Default).GetAwaiter().GetResult();
                output.DisposeAsync().AsTask().GetAwaiter().GetResult();
            }
            catch (Exception ex) when (ex is OperationCanceledException or ChannelClosedException)
            {
                // Cancelled on purpose: nothing left to report.
            }
            _run.Dispose();
        }
        base.Dispose(disposing);
    }
}
