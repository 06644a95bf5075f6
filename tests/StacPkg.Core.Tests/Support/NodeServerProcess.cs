using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace StacPkg.Core.Tests.Support;

/// <summary>
/// A test server run by node from tests/servers/node_modules on 127.0.0.1 and a free port, with its
/// own temporary data folder. Disposing kills the process tree and deletes the folder.
/// </summary>
public sealed class NodeServerProcess : IDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();

    private NodeServerProcess(Process process, int port, string dataDirectory)
    {
        _process = process;
        Port = port;
        DataDirectory = dataDirectory;
    }

    public int Port { get; }

    public string DataDirectory { get; }

    /// <summary>
    /// Why the server cannot be run here (node missing, npm package not installed), or null.
    /// <paramref name="installedFile"/> is a file of the npm package, relative to tests/servers.
    /// </summary>
    public static string? UnavailableReason(string name, string installedFile)
    {
        if (TestDependency.FindNode() is null) return $"{name} unavailable: node is not on PATH (Node.js 20+ is needed)";
        if (!File.Exists(ServersPath(installedFile))) return $"{name} unavailable: not installed, run 'npm ci --prefix tests/servers'";
        return null;
    }

    /// <summary>Starts <paramref name="script"/> (relative to tests/servers) with the arguments <paramref name="arguments"/> makes from (port, data folder), and waits until the port answers.</summary>
    public static async Task<NodeServerProcess> StartAsync(string name, string script, Func<int, string, IEnumerable<string>> arguments, TimeSpan? timeout = null)
    {
        var node = TestDependency.FindNode() ?? throw new InvalidOperationException("node is not on PATH");
        var port = ServerProcesses.FreePort();
        var data = Directory.CreateTempSubdirectory($"stacpkg-{name}-").FullName;
        var psi = new ProcessStartInfo(node)
        {
            WorkingDirectory = data,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        psi.ArgumentList.Add(ServersPath(script));
        foreach (var argument in arguments(port, data)) psi.ArgumentList.Add(argument);

        var process = Process.Start(psi) ?? throw new InvalidOperationException($"could not start {name}");
        var server = new NodeServerProcess(process, port, data);
        process.OutputDataReceived += (_, e) => server.Capture(e.Data);
        process.ErrorDataReceived += (_, e) => server.Capture(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            await server.WaitForPortAsync(name, timeout ?? TimeSpan.FromSeconds(60));
            return server;
        }
        catch
        {
            server.Dispose();
            throw;
        }
    }

    public void Dispose() => ServerProcesses.Stop(_process, DataDirectory);

    private async Task WaitForPortAsync(string name, TimeSpan timeout)
    {
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < timeout)
        {
            if (_process.HasExited)
                throw new InvalidOperationException($"{name} exited with code {_process.ExitCode} before listening:\n{CapturedOutput()}");
            try
            {
                using var client = new TcpClient();
                await client.ConnectAsync(IPAddress.Loopback, Port);
                return;
            }
            catch (SocketException)
            {
                await Task.Delay(100);
            }
        }
        throw new TimeoutException($"{name} did not listen on 127.0.0.1:{Port} within {timeout.TotalSeconds:0} s:\n{CapturedOutput()}");
    }

    private void Capture(string? line)
    {
        if (line is null) return;
        lock (_output)
        {
            // Only the start-up diagnostics matter; keep the buffer small.
            if (_output.Length < 16_384) _output.AppendLine(line);
        }
    }

    private string CapturedOutput()
    {
        lock (_output) return _output.ToString();
    }

    private static string ServersPath(string relative) =>
        Path.Combine(DuckDb.RepoRoot, "tests", "servers", relative);
}
