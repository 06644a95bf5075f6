using System.Diagnostics;
using System.Text.Json;

namespace StacPkg.Core.Tests.Support;

/// <summary>
/// Runs SQL in DuckDB (npm <c>@duckdb/node-api</c>, pinned in tests/servers) through
/// <c>node tests/duckdb/query.mjs</c>: an independent Parquet reader for checking our files.
/// Use it from a <c>[SkippableFact]</c>/<c>[SkippableTheory]</c>: when node or the npm package is
/// missing the test is skipped with a message, except under <c>CI=true</c>, where it fails.
/// Value mapping (see query.mjs): integers and decimals as exact JSON numbers, BLOB/GEOMETRY as
/// lowercase hex, TIMESTAMPTZ as ISO 8601 with 'Z', nested LIST/STRUCT as JSON.
/// Relative paths in SQL resolve against the repository root.
/// </summary>
public static class DuckDb
{
    /// <summary>Exit code of query.mjs when @duckdb/node-api is not installed.</summary>
    private const int ExitNotInstalled = 3;

    private static readonly Lazy<string> LazyRepoRoot = new(FindRepoRoot);
    private static readonly Lazy<(string? Node, string? Reason)> LazyNode = new(FindNode);

    /// <summary>The repository root (the folder holding StacPkg.slnx).</summary>
    public static string RepoRoot => LazyRepoRoot.Value;

    /// <summary>Why DuckDB cannot be run here, or null when it can.</summary>
    public static string? UnavailableReason => LazyNode.Value.Reason;

    /// <summary>
    /// Skips the current test (locally) or fails it (under CI=true) when DuckDB cannot be run.
    /// <see cref="Query"/> calls it; call it first in a test that prepares expensive input.
    /// </summary>
    public static void RequireAvailable()
    {
        var reason = UnavailableReason;
        if (reason is null) return;
        Unavailable(reason);
    }

    /// <summary>
    /// Runs <paramref name="sql"/> (several statements allowed; the last one's rows are returned)
    /// and returns its rows as JSON objects keyed by column name. A SQL error throws
    /// <see cref="DuckDbException"/> with DuckDB's message.
    /// </summary>
    public static IReadOnlyList<JsonElement> Query(string sql, TimeSpan? timeout = null)
    {
        RequireAvailable();
        var psi = new ProcessStartInfo(LazyNode.Value.Node!)
        {
            WorkingDirectory = RepoRoot,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        psi.ArgumentList.Add(Path.Combine(RepoRoot, "tests", "duckdb", "query.mjs"));
        // On stdin, not as an argument: generated SQL can exceed the operating system's argument limit.
        psi.ArgumentList.Add("-");

        using var process = Process.Start(psi) ?? throw new DuckDbException("could not start node", sql);
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        try
        {
            process.StandardInput.Write(sql);
            process.StandardInput.Close();
        }
        catch (IOException)
        {
            // node exited before reading the SQL (e.g. DuckDB not installed): its exit code says why.
        }
        var limit = timeout ?? TimeSpan.FromMinutes(2);
        if (!process.WaitForExit(limit))
        {
            try { process.Kill(entireProcessTree: true); } catch (InvalidOperationException) { }
            throw new DuckDbException($"timed out after {limit.TotalSeconds:0} s", sql);
        }
        process.WaitForExit(); // drain the redirected streams
        var error = stderr.GetAwaiter().GetResult().Trim();
        var output = stdout.GetAwaiter().GetResult();

        if (process.ExitCode == ExitNotInstalled) Unavailable(error);
        if (process.ExitCode != 0)
            throw new DuckDbException(error.Length > 0 ? error : $"node exited with code {process.ExitCode}", sql);

        using var doc = JsonDocument.Parse(output);
        return doc.RootElement.EnumerateArray().Select(row => row.Clone()).ToList();
    }

    /// <summary>Runs <paramref name="sql"/> and returns the single value of its single row.</summary>
    public static JsonElement Scalar(string sql)
    {
        var rows = Query(sql);
        if (rows.Count != 1) throw new DuckDbException($"expected one row, got {rows.Count}", sql);
        using var columns = rows[0].EnumerateObject();
        if (!columns.MoveNext()) throw new DuckDbException("the row has no column", sql);
        return columns.Current.Value;
    }

    /// <summary>A SQL string literal, e.g. for a file path: <c>read_parquet({DuckDb.Literal(path)})</c>.</summary>
    public static string Literal(string value) => "'" + value.Replace("'", "''") + "'";

    private static void Unavailable(string reason)
    {
        var message = $"DuckDB check unavailable: {reason}";
        if (string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase))
            throw new InvalidOperationException(message + " (CI=true: a missing test dependency fails the run)");
        throw new SkipException(message);
    }

    private static string FindRepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "StacPkg.slnx"))) return dir.FullName;
        }
        throw new InvalidOperationException($"StacPkg.slnx not found above {AppContext.BaseDirectory}");
    }

    private static (string? Node, string? Reason) FindNode()
    {
        var package = Path.Combine(RepoRoot, "tests", "servers", "node_modules", "@duckdb", "node-api", "package.json");
        var names = OperatingSystem.IsWindows() ? new[] { "node.exe" } : new[] { "node" };
        var node = (Environment.GetEnvironmentVariable("PATH") ?? "")
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .SelectMany(dir => names.Select(name => Path.Combine(dir, name)))
            .FirstOrDefault(File.Exists);
        if (node is null) return (null, "node is not on PATH (Node.js 20+ is needed)");
        if (!File.Exists(package))
            return (null, "@duckdb/node-api is not installed: run 'npm ci --prefix tests/servers'");
        return (node, null);
    }
}

/// <summary>DuckDB rejected the SQL or could not run it.</summary>
public sealed class DuckDbException(string message, string sql)
    : Exception($"{message}\nSQL: {sql}")
{
    public string Sql { get; } = sql;
}
