using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace StacPkg.Core.Tests.Support;

/// <summary>
/// A Debian nginx (<c>/usr/sbin/nginx</c>) serving <see cref="Root"/> on a free 127.0.0.1 port, as an
/// xunit class fixture. It runs in the foreground as a single process with its config, logs, pid file
/// and temp folders in a temp dir, with <c>etag on</c> and default Last-Modified. Extra locations:
/// <c>/redirect/&lt;path&gt;</c> answers 302 to <c>/&lt;path&gt;</c>; <c>/nohead/&lt;path&gt;</c> serves
/// <c>&lt;path&gt;</c> but refuses HEAD with 405.
/// Tests call <see cref="RequireAvailable"/> first: when nginx is missing or did not start the test is
/// skipped with a message, except under <c>CI=true</c>, where it fails.
/// </summary>
public sealed class NginxServer : IDisposable
{
    private const string NginxPath = "/usr/sbin/nginx";
    private readonly Process? _process;
    private readonly string _tempDir;

    public NginxServer()
    {
        _tempDir = Directory.CreateTempSubdirectory("stacpkg-nginx-").FullName;
        Root = Directory.CreateDirectory(Path.Combine(_tempDir, "www")).FullName;
        if (!File.Exists(NginxPath))
        {
            UnavailableReason = $"nginx is not installed ({NginxPath}): apt-get install nginx";
            return;
        }
        try
        {
            Port = ServerProcesses.FreePort();
            var config = Path.Combine(_tempDir, "nginx.conf");
            File.WriteAllText(config, Config());
            var psi = new ProcessStartInfo(NginxPath)
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            // -e: the startup error log, otherwise nginx first opens /var/log/nginx/error.log.
            foreach (var arg in new[] { "-p", _tempDir, "-e", ErrorLog, "-c", config }) psi.ArgumentList.Add(arg);
            _process = Process.Start(psi) ?? throw new InvalidOperationException("could not start nginx");
            _process.OutputDataReceived += (_, _) => { };
            _process.ErrorDataReceived += (_, _) => { };
            _process.BeginOutputReadLine();
            _process.BeginErrorReadLine();
            UnavailableReason = WaitUntilListening();
        }
        catch (Exception e) when (e is IOException or InvalidOperationException or System.ComponentModel.Win32Exception or SocketException)
        {
            UnavailableReason = $"nginx did not start: {e.Message}";
        }
    }

    /// <summary>The folder nginx serves; tests write their files here.</summary>
    public string Root { get; }

    public int Port { get; }

    /// <summary><c>http://127.0.0.1:&lt;port&gt;</c>, without a trailing slash.</summary>
    public string BaseUrl => $"http://127.0.0.1:{Port}";

    public string ErrorLog => Path.Combine(_tempDir, "error.log");

    public string AccessLog => Path.Combine(_tempDir, "access.log");

    /// <summary>Why nginx is not serving, or null when it is.</summary>
    public string? UnavailableReason { get; }

    /// <summary>Skips the current test (locally) or fails it (under CI=true) when nginx is not serving.</summary>
    public void RequireAvailable()
    {
        if (UnavailableReason is null) return;
        var message = $"nginx test server unavailable: {UnavailableReason}";
        if (string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase))
            throw new InvalidOperationException(message + " (CI=true: a missing test dependency fails the run)");
        throw new SkipException(message);
    }

    /// <summary>Writes <paramref name="content"/> to <paramref name="relativePath"/> under <see cref="Root"/> and returns the file's full path.</summary>
    public string WriteFile(string relativePath, byte[] content)
    {
        var path = Path.Combine(Root, relativePath);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllBytes(path, content);
        return path;
    }

    /// <summary>The URL of <paramref name="path"/> (already percent-encoded as it should go on the wire).</summary>
    public string Url(string path) => $"{BaseUrl}/{path.TrimStart('/')}";

    public void Dispose() => ServerProcesses.Stop(_process, _tempDir);

    private string? WaitUntilListening()
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(15);
        while (DateTime.UtcNow < deadline)
        {
            if (_process!.HasExited)
            {
                var log = File.Exists(ErrorLog) ? File.ReadAllText(ErrorLog).Trim() : "";
                return $"nginx exited with code {_process.ExitCode}: {log}";
            }
            try
            {
                using var client = new TcpClient();
                client.Connect(IPAddress.Loopback, Port);
                return null;
            }
            catch (SocketException)
            {
                Thread.Sleep(50);
            }
        }
        return "nginx did not accept connections within 15 s";
    }

    private string Config()
    {
        static string Q(string path) => "\"" + path.Replace("\\", "/").Replace("\"", "\\\"") + "\"";
        var temp = (string name) => Q(Path.Combine(_tempDir, name));
        var mimeTypes = File.Exists("/etc/nginx/mime.types")
            ? "include /etc/nginx/mime.types;"
            : "types { image/tiff tif tiff; application/json json; }";
        return $$"""
            daemon off;
            master_process off;
            worker_processes 1;
            pid {{temp("nginx.pid")}};
            error_log {{Q(ErrorLog)}} warn;
            events { worker_connections 1024; }
            http {
                {{mimeTypes}}
                default_type application/octet-stream;
                access_log {{Q(AccessLog)}};
                client_body_temp_path {{temp("client_body")}};
                proxy_temp_path {{temp("proxy")}};
                fastcgi_temp_path {{temp("fastcgi")}};
                uwsgi_temp_path {{temp("uwsgi")}};
                scgi_temp_path {{temp("scgi")}};
                sendfile on;
                keepalive_requests 100000;
                server {
                    listen 127.0.0.1:{{Port}};
                    server_name localhost;
                    root {{Q(Root)}};
                    etag on;
                    absolute_redirect off; # a relative Location: "localhost" might resolve to ::1, where nothing listens
                    location ~ ^/redirect/(.*)$ { return 302 /$1; }
                    location /nohead/ {
                        if ($request_method = HEAD) { return 405; }
                        alias {{Q(Root + "/")}};
                    }
                }
            }
            """;
    }
}
