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
    private readonly ProgressRecord _record;
    private long _last = Stopwatch.GetTimestamp();
    private bool _shown;

    public ProgressThrottle(StacCmdlet cmdlet, int activityId, string activity)
    {
        _cmdlet = cmdlet;
        _record = new ProgressRecord(activityId, activity, "Starting");
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
        _record.StatusDescription = status;
        _cmdlet.WriteProgress(_record);
    }

    /// <summary>Removes the progress bar if one was shown.</summary>
    public void Complete()
    {
        if (_shown)
        {
            _record.RecordType = ProgressRecordType.Completed;
            _cmdlet.WriteProgress(_record);
            _shown = false;
        }
    }
}
