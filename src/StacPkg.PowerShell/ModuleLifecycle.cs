using System.Management.Automation;
using System.Reflection;
using System.Runtime.Loader;

namespace StacPkg.PowerShell;

/// <summary>
/// Connects the default load context, where PowerShell loads StacPkg.dll, to the module's private
/// context: when StacPkg.dll first needs StacPkg.Core, the default context cannot find it (it is
/// not beside StacPkg.dll) and asks this handler, which answers with Core loaded in
/// <see cref="StacPkgLoadContext"/>. Only Core is answered, so nothing else in the session is
/// redirected into our context.
/// </summary>
public sealed class ModuleLifecycle : IModuleAssemblyInitializer, IModuleAssemblyCleanup
{
    private const string CoreAssemblyName = "StacPkg.Core";

    private static readonly object Gate = new();
    private static bool _hooked;

    // PowerShell's table of type names a script may use ([xml], ...). Core's types live in our own
    // load context, which PowerShell's type-name lookup does not search, so the output types the
    // help names ([StacPkg.Core.Stac.StacItem]) are made resolvable by their full names here.
    private static readonly Type? TypeAccelerators = typeof(PSObject).Assembly.GetType("System.Management.Automation.TypeAccelerators");
    private static List<Type> _accelerated = [];

    /// <summary>Called by Import-Module, also on every -Force re-import of the loaded assembly.</summary>
    public void OnImport()
    {
        lock (Gate)
        {
            if (!_hooked)
            {
                AssemblyLoadContext.Default.Resolving += ResolveCore;
                _hooked = true;
            }
        }
        // Read while Core resolves: the OutputType attributes name Core's types.
        _accelerated = CoreOutputTypes().ToList();
        foreach (var type in _accelerated)
        {
            TypeAccelerators?.GetMethod("Add", [typeof(string), typeof(Type)])?.Invoke(null, [type.FullName!, type]);
        }
    }

    /// <summary>Called by Remove-Module (and by Import-Module -Force before it imports again).</summary>
    public void OnRemove(PSModuleInfo psModuleInfo)
    {
        lock (Gate)
        {
            if (_hooked)
            {
                AssemblyLoadContext.Default.Resolving -= ResolveCore;
                _hooked = false;
            }
        }
        foreach (var type in _accelerated)
        {
            TypeAccelerators?.GetMethod("Remove", [typeof(string)])?.Invoke(null, [type.FullName!]);
        }
        _accelerated = [];
    }

    /// <summary>The Core types the module's cmdlets declare as output.</summary>
    private static IEnumerable<Type> CoreOutputTypes() =>
        typeof(ModuleLifecycle).Assembly.GetTypes()
            .SelectMany(cmdlet => cmdlet.GetCustomAttributes<OutputTypeAttribute>())
            .SelectMany(output => output.Type)
            .Select(name => name.Type)
            .OfType<Type>()
            .Where(type => type.Assembly.GetName().Name == CoreAssemblyName)
            .Distinct();

    private static Assembly? ResolveCore(AssemblyLoadContext context, AssemblyName name) =>
        string.Equals(name.Name, CoreAssemblyName, StringComparison.Ordinal)
            ? StacPkgLoadContext.Instance.LoadFromAssemblyName(name)
            : null;
}
