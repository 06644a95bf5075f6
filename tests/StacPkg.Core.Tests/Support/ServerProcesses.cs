using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace StacPkg.Core.Tests.Support;

/// <summary>What every test server process shares: a free loopback port to start on, and stopping it with its temp folder.</summary>
internal static class ServerProcesses
{
    /// <summary>A port the OS considers free right now (a small race with other processes is accepted).</summary>
    public static int FreePort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        try
        {
            return ((IPEndPoint)listener.LocalEndpoint).Port;
        }
        finally
        {
            listener.Stop();
        }
    }

    /// <summary>Kills the process tree (if still running), then removes its folder; best effort, so cleanup never fails a run.</summary>
    public static void Stop(Process? process, string directory)
    {
        if (process is not null)
        {
            try
            {
                if (!process.HasExited) process.Kill(entireProcessTree: true);
                process.WaitForExit(10_000);
            }
            catch (InvalidOperationException)
            {
                // Already gone.
            }
            process.Dispose();
        }
        try
        {
            Directory.Delete(directory, recursive: true);
        }
        catch (IOException)
        {
            // A straggling file handle; the temp folder is cleaned by the OS eventually.
        }
    }
}
