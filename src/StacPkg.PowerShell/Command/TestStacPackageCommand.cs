using System.Management.Automation;
using StacPkg.Core.Packaging;

namespace StacPkg.PowerShell.Command;

/// <summary>
/// <para type="synopsis">Checks a package's integrity: both tables readable with the right schema, lock rows and Item assets matching, bundled files matching their size and checksum.</para>
/// </summary>
/// <remarks>
/// Reads only the package; no store is asked (Test-StacAssetLock checks remote assets). Every check
/// is a result object; a failed check is also a non-terminating error, so a script run ends with a
/// failing exit code when the package is broken.
/// </remarks>
[Cmdlet(VerbsDiagnostic.Test, "StacPackage", DefaultParameterSetName = PathSet)]
[OutputType(typeof(StacPackageCheckResult))]
public sealed class TestStacPackageCommand : StacCmdlet
{
    private const string PathSet = "Path";
    private const string LiteralPathSet = "LiteralPath";
    private const int ProgressActivityId = 0x5AC9;

    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ParameterSetName = PathSet)]
    [SupportsWildcards]
    [ArgumentCompleter(typeof(PackagePathCompleter))]
    public string[] Path { get; set; } = [];

    [Parameter(Mandatory = true, ValueFromPipelineByPropertyName = true, ParameterSetName = LiteralPathSet)]
    [Alias("PSPath", "LP")]
    [ArgumentCompleter(typeof(PackagePathCompleter))]
    public string[] LiteralPath { get; set; } = [];

    protected override void ProcessRecord()
    {
        var literal = ParameterSetName == LiteralPathSet;
        foreach (var argument in literal ? LiteralPath : Path)
        {
            foreach (var directory in FileSystemPaths.ResolveDirectories(this, argument, literal))
            {
                Validate(directory);
            }
        }
    }

    private void Validate(string directory)
    {
        var progress = new ProgressThrottle(this, ProgressActivityId, $"Checking STAC package {directory}");
        long checks = 0;
        var results = StacPackageValidator.ValidateAsync(directory, CancellationToken).GetAsyncEnumerator(CancellationToken);
        try
        {
            // Each result is awaited here, on the pipeline thread, so it is written as soon as it is known.
            while (Wait(results.MoveNextAsync()))
            {
                var result = results.Current;
                WriteObject(result);
                if (result.Status == StacPackageCheckStatus.Failed)
                {
                    WriteError(StacErrors.PackageCheckFailed(result));
                }
                checks++;
                progress.Report(() => $"{checks} checks");
            }
        }
        finally
        {
            Wait(results.DisposeAsync());
            progress.Complete();
        }
    }
}
