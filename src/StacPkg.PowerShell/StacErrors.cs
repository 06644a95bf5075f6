using System.Management.Automation;
using StacPkg.Core.Stac;

namespace StacPkg.PowerShell;

/// <summary>The error records StacPkg cmdlets write, so ids and categories stay the same everywhere.</summary>
internal static class StacErrors
{
    /// <summary>An input value that is not a valid STAC Item; the message names the line or item and the reason.</summary>
    public static ErrorRecord InvalidItem(StacFormatException error, object? target) =>
        new(error, "InvalidStacItem", ErrorCategory.InvalidData, target);

    public static ErrorRecord PathNotFound(string path) =>
        new(new ItemNotFoundException($"Cannot find path '{path}' because it does not exist."),
            "PathNotFound", ErrorCategory.ObjectNotFound, path);

    public static ErrorRecord NotFileSystemPath(string path, ProviderInfo provider) =>
        new(new ArgumentException($"The path '{path}' is on the {provider.Name} provider; StacPkg reads and writes files only."),
            "NotFileSystemPath", ErrorCategory.InvalidArgument, path);

    public static ErrorRecord FileReadFailed(Exception error, string path) =>
        new(error, "FileReadFailed", ErrorCategory.ReadError, path);

    public static ErrorRecord FileWriteFailed(Exception error, string path) =>
        new(error, "FileWriteFailed", ErrorCategory.WriteError, path);
}
