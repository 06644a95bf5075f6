using System.Runtime;

namespace StacPkg.Core.IO;

/// <summary>
/// Switches the garbage collector to batch mode (no background collections) while bulk Item work
/// runs, and back when the last such scope ends. On a 2-core machine a background collection
/// competes with the parser and the writer for the same cores; batch mode measured ~2.5 s faster
/// on 100,000 Items. Process-wide, so it is held only for the duration of the work.
/// </summary>
internal sealed class BatchGcScope : IDisposable
{
    private static readonly object Gate = new();
    private static int s_active;
    private static GCLatencyMode s_previous;
    private bool _disposed;

    public BatchGcScope()
    {
        lock (Gate)
        {
            if (s_active++ == 0)
            {
                s_previous = GCSettings.LatencyMode;
                if (s_previous == GCLatencyMode.Interactive)
                {
                    GCSettings.LatencyMode = GCLatencyMode.Batch;
                }
            }
        }
    }

    public void Dispose()
    {
        lock (Gate)
        {
            if (_disposed)
            {
                return;
            }
            _disposed = true;
            if (--s_active == 0 && GCSettings.LatencyMode == GCLatencyMode.Batch)
            {
                GCSettings.LatencyMode = s_previous;
            }
        }
    }
}
