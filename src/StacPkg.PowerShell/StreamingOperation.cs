using System.Management.Automation;
using System.Threading.Channels;

namespace StacPkg.PowerShell;

/// <summary>
/// Runs one concurrent Core operation (<c>IAsyncEnumerable&lt;TIn&gt;</c> → <c>IAsyncEnumerable&lt;TOut&gt;</c>)
/// beside a cmdlet's pipeline: <see cref="Feed"/> (from ProcessRecord) queues an input in a bounded
/// channel and emits whatever results are ready without blocking; <see cref="Complete"/> (from
/// EndProcessing) ends the input and emits the rest. Results are only ever taken on the pipeline
/// thread, so every Write* stays there; Ctrl+C cancels the operation and every wait.
/// </summary>
/// <remarks>
/// A field of the cmdlet rather than its base class: PowerShell loads every type of StacPkg.dll
/// before the module's load context is hooked up, and a base type with Core types as generic
/// arguments would make StacPkg.Core load too early, where it cannot be found.
/// </remarks>
internal sealed class StreamingOperation<TIn, TOut> : IDisposable
{
    // Enough input queued to keep the workers busy between two pipeline records, small enough that a
    // million-row input never sits in memory.
    private const int InputCapacity = 256;

    private readonly StacCmdlet _cmdlet;
    private readonly Func<IAsyncEnumerable<TIn>, CancellationToken, IAsyncEnumerable<TOut>> _start;
    private readonly Action<TOut> _emit;
    private readonly Func<Exception, ErrorRecord> _failed;

    private Channel<TIn>? _input;
    private CancellationTokenSource? _run;
    private IAsyncEnumerator<TOut>? _output;
    private Task<bool>? _next;
    private bool _outputEnded;

    /// <param name="start">Starts the Core operation over the input stream; called once, on the first input.</param>
    /// <param name="emit">Writes one result (on the pipeline thread).</param>
    /// <param name="failed">A failure of the operation as a whole (not of one record): the terminating error to throw.</param>
    public StreamingOperation(StacCmdlet cmdlet, Func<IAsyncEnumerable<TIn>, CancellationToken, IAsyncEnumerable<TOut>> start,
        Action<TOut> emit, Func<Exception, ErrorRecord> failed)
    {
        _cmdlet = cmdlet;
        _start = start;
        _emit = emit;
        _failed = failed;
    }

    private CancellationToken Stopping => _cmdlet.CancellationToken;

    /// <summary>Queues one input; emits the results that are ready; waits (still emitting results) only while the queue is full.</summary>
    public void Feed(TIn item)
    {
        var writer = Start().Writer;
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
            _cmdlet.Wait(Task.WhenAny(room, _next!));
            if (Stopping.IsCancellationRequested)
            {
                throw new PipelineStoppedException();
            }
            DrainReady();
        }
        DrainReady();
    }

    /// <summary>Ends the input (starting the operation if no input came) and emits every remaining result, in the order they complete.</summary>
    public void Complete()
    {
        Start().Writer.TryComplete();
        while (!_outputEnded)
        {
            // Waiting on the next result observes the operation's failure too: DrainReady reports it.
            _cmdlet.Wait(Task.WhenAny(_next!));
            if (Stopping.IsCancellationRequested)
            {
                throw new PipelineStoppedException();
            }
            DrainReady();
        }
    }

    /// <summary>Emits the results that have already completed, without waiting.</summary>
    public void DrainReady()
    {
        while (!_outputEnded && _next is { IsCompleted: true } next)
        {
            bool more;
            try
            {
                more = next.GetAwaiter().GetResult();
            }
            catch (OperationCanceledException) when (Stopping.IsCancellationRequested)
            {
                throw new PipelineStoppedException();
            }
            catch (Exception ex)
            {
                _outputEnded = true;
                _cmdlet.ThrowTerminatingError(_failed(ex));
                return;
            }
            if (!more)
            {
                _outputEnded = true;
                return;
            }
            var result = _output!.Current;
            _next = _output.MoveNextAsync().AsTask();
            _emit(result);
        }
    }

    private Channel<TIn> Start()
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
        _run = CancellationTokenSource.CreateLinkedTokenSource(Stopping);
        _output = _start(_input.Reader.ReadAllAsync(_run.Token), _run.Token).GetAsyncEnumerator(_run.Token);
        _next = _output.MoveNextAsync().AsTask();
        return _input;
    }

    /// <summary>Stops the operation if it is still running (the pipeline failed or ended early) and waits for it to let go.</summary>
    public void Dispose()
    {
        if (_output is not { } output)
        {
            return;
        }
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
}
