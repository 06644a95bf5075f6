using System.Management.Automation;
using StacPkg.Core.Lock;

namespace StacPkg.PowerShell;

/// <summary>
/// Reads an -AssetLock argument: AssetLockEntry objects, or paths of lock files or package
/// directories, in any mix. A file that cannot be read, or any bad row in it, ends the command: a
/// lock that silently says less than the file would give wrong results downstream.
/// </summary>
internal static class AssetLockArgument
{
    public static List<AssetLockEntry> Read(StacCmdlet cmdlet, object[] values)
    {
        var entries = new List<AssetLockEntry>();
        foreach (var value in values)
        {
            var unwrapped = value is PSObject wrapped ? wrapped.BaseObject : value;
            // A row built by hand as a PSCustomObject binds as it would when piped.
            if (unwrapped is PSCustomObject && LanguagePrimitives.TryConvertTo(value, out AssetLockEntry? converted))
            {
                unwrapped = converted;
            }
            switch (unwrapped)
            {
                case AssetLockEntry entry:
                    if (AssetLockRowRules.Describe(entry) is { } problem)
                    {
                        cmdlet.ThrowTerminatingError(new ErrorRecord(new ArgumentException($"-AssetLock: {problem}."),
                            "AssetLockRowInvalid", ErrorCategory.InvalidData, entry));
                    }
                    entries.Add(entry);
                    break;
                case string or FileSystemInfo:
                    var path = cmdlet.SessionState.Path.GetUnresolvedProviderPathFromPSPath(value.ToString());
                    try
                    {
                        cmdlet.Wait(ReadFileAsync(path, entries, cmdlet.CancellationToken));
                    }
                    catch (Exception ex) when (ex is AssetLockException or IOException)
                    {
                        cmdlet.ThrowTerminatingError(StacErrors.FileReadFailed(ex, path));
                    }
                    break;
                default:
                    cmdlet.ThrowTerminatingError(new ErrorRecord(
                        new ArgumentException($"-AssetLock takes AssetLockEntry objects or lock file paths, not {value?.GetType().Name ?? "null"}."),
                        "InvalidAssetLock", ErrorCategory.InvalidArgument, value));
                    break;
            }
        }
        return entries;
    }

    private static async Task ReadFileAsync(string path, List<AssetLockEntry> entries, CancellationToken cancellationToken)
    {
        await foreach (var row in AssetLockFile.ReadAsync(path, cancellationToken).ConfigureAwait(false))
        {
            entries.Add(row.Entry ?? throw row.Error!);
        }
    }
}
