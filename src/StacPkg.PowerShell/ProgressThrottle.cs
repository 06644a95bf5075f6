using System.Diagnostics;
using System.Management.Automation;

namespace StacPkg.PowerShell;

/// <summary>
/// Rate-limits Write-Progress: rendering progress costs far more than handling one item, so a
/// record per item would slow the pipeline down. Reports at most a few times a second.
/// </summary>
internal sealed class ProgressThrottle
{
    private static readonly long Interval = Stopwatch.Frequency / 4;

    private readonly StacCmdlet _cmdlet;
    private readonly int _activityId;
    private readonly string _activity;
    private string _status = "Starting";
    private long _last = Stopwatch.GetTimestamp();
    private bool _shown;

    public ProgressThrottle(StacCmdlet cmdlet, int activityId, string activity)
    {
        _cmdlet = cmdlet;
        _activityId = activityId;
        _activity = activity;
    }

    /// <summary>Shows <paramref name="status"/> (built only when due) if the last update is old enough.</summary>
    public void Report(Func<string> status)
    {
        var now = Stopwatch.GetTimestamp();
        if (now - _last < Interval)
        {
            return;
        }
        Show(status());
    }

    /// <summary>Shows <paramref name="status"/> at once: a new phase (such as encoding after the last Item) is worth saying even right after the last update.</summary>
    public void Show(string status)
    {
        _last = Stopwatch.GetTimestamp();
        _shown = true;
        _status = status;
        _cmdlet.WriteProgress(Record());
    }

    // A record per update: a host that keeps the records (a runspace's Streams.Progress) must see
    // each one as it was written, not all of them as the last one.
    private ProgressRecord Record() => new(_activityId, _activity, _status);

    /// <summary>Removes the progress bar if one was shown.</summary>
    public void Complete()
    {
        if (_shown)
        {
            var record = Record();
            record.RecordType = ProgressRecordType.Completed;
            _cmdlet.WriteProgress(record);
            _shown = false;
        }
    }
}
