using System.Diagnostics.CodeAnalysis;

namespace StacPkg.Core.Tests.Support;

/// <summary>
/// The suite's policy for a missing test server or tool: skip with a message locally, fail under
/// <c>CI=true</c> (as <see cref="DuckDb"/> does).
/// </summary>
public static class TestDependency
{
    [DoesNotReturn]
    public static void Unavailable(string message)
    {
        if (string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase))
            throw new InvalidOperationException(message + " (CI=true: a missing test dependency fails the run)");
        throw new SkipException(message);
    }

    /// <summary>node on PATH, or null.</summary>
    public static string? FindNode()
    {
        var names = OperatingSystem.IsWindows() ? new[] { "node.exe" } : new[] { "node" };
        return (Environment.GetEnvironmentVariable("PATH") ?? "")
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .SelectMany(dir => names.Select(name => Path.Combine(dir, name)))
            .FirstOrDefault(File.Exists);
    }
}
