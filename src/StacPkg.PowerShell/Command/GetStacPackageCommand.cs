using System.Management.Automation;
using StacPkg.Core.Packaging;

namespace StacPkg.PowerShell.Command;

/// <summary>
/// <para type="synopsis">Inspects a package: items, collections, assets, asset keys, known asset bytes, and every file it defines with its sha256 digest.</para>
/// </summary>
/// <remarks>
/// No link is followed. A link or a file the package does not define is a warning naming it; a file
/// that differs from the package's manifest is a non-terminating error (PackageFileMismatch).
/// </remarks>
[Cmdlet(VerbsCommon.Get, "StacPackage", DefaultParameterSetName = PathSet)]
[OutputType(typeof(StacPackageInfo))]
[OutputType(typeof(string))]
public sealed class GetStacPackageCommand : StacCmdlet
{
    private const string PathSet = "Path";
    private const string LiteralPathSet = "LiteralPath";

    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ParameterSetName = PathSet)]
    [SupportsWildcards]
    [ArgumentCompleter(typeof(PackagePathCompleter))]
    public string[] Path { get; set; } = [];

    [Parameter(Mandatory = true, ValueFromPipelineByPropertyName = true, ParameterSetName = LiteralPathSet)]
    [Alias("PSPath", "LP")]
    [ArgumentCompleter(typeof(PackagePathCompleter))]
    public string[] LiteralPath { get; set; } = [];

    /// <summary>Returns the facts as Markdown text instead of an object.</summary>
    [Parameter]
    public SwitchParameter AsMarkdown { get; set; }

    protected override void ProcessRecord()
    {
        var literal = ParameterSetName == LiteralPathSet;
        foreach (var argument in literal ? LiteralPath : Path)
        {
            foreach (var directory in FileSystemPaths.ResolveDirectories(this, argument, literal))
            {
                StacPackageInfo info;
                try
                {
                    info = Wait(new ValueTask<StacPackageInfo>(StacPackageInfo.ReadAsync(directory, CancellationToken)));
                }
                catch (Exception ex) when (ex is StacPackageException or IOException or UnauthorizedAccessException)
                {
                    WriteError(StacErrors.PackageFailed(ex, "PackageUnreadable", directory));
                    continue;
                }
                foreach (var entry in info.UndefinedEntries)
                {
                    WriteWarning($"Package '{info.Path}' holds '{entry.Path}', {entry.Message}; it is not part of the package.");
                }
                foreach (var mismatch in info.Mismatches)
                {
                    WriteError(StacErrors.PackageFileMismatch(info.Path, mismatch));
                }
                WriteObject(AsMarkdown ? info.ToMarkdown() : info);
            }
        }
    }
}
