using System.Reflection;
using System.Runtime.Loader;

namespace StacPkg.PowerShell;

/// <summary>
/// The module's private load context. StacPkg.Core and every library it uses (Parquet.Net and its
/// compression libraries, later the cloud SDKs) load here from the module's deps folder, so the
/// module works in a session that already loaded other versions of them (Az, AWS.Tools), and those
/// modules keep working after ours is imported.
/// </summary>
internal sealed class StacPkgLoadContext : AssemblyLoadContext
{
    /// <summary>Folder beside StacPkg.dll that holds Core and its dependencies.</summary>
    internal const string DependencyFolderName = "deps";

    private static readonly Lazy<StacPkgLoadContext> LazyInstance = new(() => new StacPkgLoadContext(
        Path.Combine(Path.GetDirectoryName(typeof(StacPkgLoadContext).Assembly.Location)!, DependencyFolderName)));

    private readonly string _dependencyFolder;

    private StacPkgLoadContext(string dependencyFolder) : base("StacPkg", isCollectible: false)
    {
        _dependencyFolder = dependencyFolder;
    }

    /// <summary>
    /// The one instance for the process. An assembly cannot be unloaded from the default context, so
    /// StacPkg.dll stays loaded across Remove-Module / Import-Module -Force and must keep resolving
    /// Core to the same assembly; a second context would give a second, incompatible StacItem type.
    /// </summary>
    internal static StacPkgLoadContext Instance => LazyInstance.Value;

    /// <summary>Loads an assembly from the deps folder, or defers to the default context (the shared framework).</summary>
    protected override Assembly? Load(AssemblyName assemblyName)
    {
        var path = Path.Combine(_dependencyFolder, assemblyName.Name + ".dll");
        return File.Exists(path) ? LoadFromAssemblyPath(path) : null;
    }
}
