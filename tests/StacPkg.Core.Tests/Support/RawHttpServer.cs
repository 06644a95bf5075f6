using System.Net;
using System.Net.Sockets;
using System.Text;

namespace StacPkg.Core.Tests.Support;

/// <summary>
/// A scripted HTTP/1.1 server on a free 127.0.0.1 port for the faults nginx cannot be told to make:
/// truncated bodies, 503 then success, stalls. Each connection serves one request: the script gets
/// the request number (from 1) and the request head, and returns the raw bytes to send (or null to
/// stall until disposed); the connection is then closed.
/// </summary>
public sealed class RawHttpServer : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new();
    private readonly Func<int, string, byte[]?> _script;
    private readonly Task _loop;
    private int _requests;

    public RawHttpServer(Func<int, string, byte[]?> script)
    {
        _script = script;
        _listener.Start();
        _loop = AcceptLoopAsync();
    }

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    public string BaseUrl => $"http://127.0.0.1:{Port}";

    /// <summary>Requests received so far.</summary>
    public int Requests => Volatile.Read(ref _requests);

    /// <summary>A response with the given status, headers and body (Content-Length is the caller's to give, so it can lie).</summary>
    public static byte[] Response(string status, string headers, byte[] body) =>
        [.. Encoding.ASCII.GetBytes($"HTTP/1.1 {status}\r\n{headers}Connection: close\r\n\r\n"), .. body];

    public async ValueTask DisposeAsync()
    {
        _stop.Cancel();
        _listener.Stop();
        try
        {
            await _loop.ConfigureAwait(false);
        }
        catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
        {
            // Stopping the listener ends the accept loop with one of these.
        }
        _stop.Dispose();
    }

    private async Task AcceptLoopAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            var client = await _listener.AcceptTcpClientAsync(_stop.Token).ConfigureAwait(false);
            _ = ServeAsync(client);
        }
    }

    private async Task ServeAsync(TcpClient client)
    {
        using (client)
        {
            try
            {
                var stream = client.GetStream();
                var head = new StringBuilder();
                var buffer = new byte[4096];
                while (!head.ToString().Contains("\r\n\r\n", StringComparison.Ordinal))
                {
                    var read = await stream.ReadAsync(buffer, _stop.Token).ConfigureAwait(false);
                    if (read == 0) return;
                    head.Append(Encoding.ASCII.GetString(buffer, 0, read));
                }
                var response = _script(Interlocked.Increment(ref _requests), head.ToString());
                if (response is null)
                {
                    await Task.Delay(Timeout.Infinite, _stop.Token).ConfigureAwait(false);
                    return;
                }
                await stream.WriteAsync(response, _stop.Token).ConfigureAwait(false);
                await stream.FlushAsync(_stop.Token).ConfigureAwait(false);
            }
            catch (Exception e) when (e is IOException or OperationCanceledException or SocketException)
            {
                // The client went away or the server is stopping.
            }
        }
    }
}
