using System.Diagnostics;
using System.Text.Json;

namespace StacPkg.Core.Tests.Support;

/// <summary>
/// Validates JSON against a schema of tests/schemas (or of the folder STACPKG_SCHEMA_DIR names: see
/// tests/schemas/README.md) with ajv (npm, pinned in tests/servers) through
/// <c>node tests/schemas/validate.mjs</c>. When node, ajv or the schema files are missing the test is
/// skipped with a message, except under <c>CI=true</c>, where it fails.
/// </summary>
public static class JsonSchemaValidator
{
    /// <summary>Exit code of validate.mjs when ajv is not installed.</summary>
    private const int ExitNotInstalled = 3;

    public static string SchemaPath(string name) =>
        Path.Combine(Environment.GetEnvironmentVariable("STACPKG_SCHEMA_DIR") is { Length: > 0 } folder ? folder : Path.Combine(DuckDb.RepoRoot, "tests", "schemas"), name);

    /// <summary>The errors ajv reports for <paramref name="json"/> against the schema file <paramref name="schema"/>; empty when valid.</summary>
    public static IReadOnlyList<string> Errors(string schema, string json)
    {
        var path = SchemaPath(schema);
        if (!File.Exists(path))
        {
            TestDependency.Unavailable($"the schema {path} is not there: see tests/schemas/README.md");
        }
        var node = TestDependency.FindNode();
        if (node is null)
        {
            TestDependency.Unavailable("node is not on PATH (Node.js 20+ is needed)");
        }
        var psi = new ProcessStartInfo(node)
        {
            WorkingDirectory = DuckDb.RepoRoot,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        psi.ArgumentList.Add(Path.Combine(DuckDb.RepoRoot, "tests", "schemas", "validate.mjs"));
        psi.ArgumentList.Add(path);
        using var process = Process.Start(psi) ?? throw new InvalidOperationException("could not start node");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        process.StandardInput.Write(json);
        process.StandardInput.Close();
        if (!process.WaitForExit(TimeSpan.FromMinutes(1)))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException("validate.mjs did not finish within a minute");
        }
        process.WaitForExit();
        var error = stderr.GetAwaiter().GetResult().Trim();
        if (process.ExitCode == ExitNotInstalled)
        {
            TestDependency.Unavailable(error);
        }
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"validate.mjs failed: {error}");
        }
        using var result = JsonDocument.Parse(stdout.GetAwaiter().GetResult());
        return result.RootElement.GetProperty("valid").GetBoolean()
            ? []
            : result.RootElement.GetProperty("errors").EnumerateArray().Select(e => e.GetRawText()).ToList();
    }
}
