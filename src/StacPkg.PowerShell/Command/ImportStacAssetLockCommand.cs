using System.Management.Automation;
using StacPkg.Core.Lock;

namespace StacPkg.PowerShell.Command;

/// <summary>
/// <para type="synopsis">Streams the rows of an asset lock (assets.lock.parquet, or a package directory that holds one) as AssetLockEntry objects.</para>
/// </summary>
/// <remarks>
/// A row that cannot be used (a required field missing) is a non-terminating error and the other rows
/// are still read; a file that is not a readable lock is a non-terminating error and the next path is read.
/// </remarks>
[Cmdlet(VerbsData.Import, "StacAssetLock", DefaultParameterSetName = PathSet)]
[OutputType(typeof(AssetLockEntry))]
public sealed class ImportStacAssetLockCommand : StacCmdlet
{
    private const string PathSet = "Path";
    private const string LiteralPathSet = "LiteralPath";
    private const int ProgressActivityId = 0x5AC3;

    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true, ParameterSetName = PathSet)]
    [SupportsWildcards]
    public string[] Path { get; set; } = [];

    [Parameter(Mandatory = true, ValueFromPipelineByPropertyName = true, ParameterSetName = LiteralPathSet)]
    [Alias("PSPath", "LP")]
    public string[] LiteralPath { get; set; } = [];

    protected override void ProcessRecord()
    {
        var literal = ParameterSetName == LiteralPathSet;
        foreach (var path in literal ? LiteralPath : Path)
        {
            foreach (var resolved in FileSystemPaths.ResolveLocks(this, path, literal))
            {
                WriteEntries(resolved);
            }
        }
    }

    private void WriteEntries(string file)
    {
        var progress = new ProgressThrottle(this, ProgressActivityId, $"Reading asset lock {file}");
        long count = 0;
        IAsyncEnumerator<AssetLockReadResult>? rows = null;
        try
        {
            while (true)
            {
                AssetLockReadResult row;
                // Only Core's reading is guarded: exceptions from WriteObject must travel on untouched.
                try
                {
                    rows ??= AssetLockFile.ReadAsync(file, CancellationToken).GetAsyncEnumerator(CancellationToken);
                    if (!Wait(rows.MoveNextAsync()))
                    {
                        break;
                    }
                    row = rows.Current;
                }
                catch (AssetLockException ex)
                {
                    WriteError(StacErrors.LockReadFailed(ex));
                    break;
                }
                catch (Exception ex) when (ex is not PipelineStoppedException)
                {
                    WriteError(StacErrors.FileReadFailed(ex, file));
                    break;
                }

                if (row.Error is { } error)
                {
                    WriteError(StacErrors.LockReadFailed(error));
                }
                else if (row.Entry is { } entry)
                {
                    WriteObject(entry);
                }
                count++;
                progress.Report(() => $"{count} rows read");
            }
        }
        finally
        {
            progress.Complete();
            if (rows is not null)
            {
                Wait(rows.DisposeAsync());
            }
        }
    }
}
