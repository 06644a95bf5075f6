using System.Management.Automation;
using StacPkg.Core.GeoParquet;
using StacPkg.Core.Stac;

namespace StacPkg.PowerShell;

/// <summary>Reading Item files for the cmdlets that take -Path / -LiteralPath.</summary>
public abstract class StacItemReaderCmdlet : StacCmdlet
{
    private const int ProgressActivityId = 0x5AC1;

    /// <summary>
    /// Streams the Items of each file the path argument names to the pipeline. An invalid item is a
    /// non-terminating error and reading goes on; a file that cannot be read is a non-terminating
    /// error and the next file is read. A hive-partitioned folder is read with
    /// <paramref name="readFolder"/>; any other folder, or any folder without it, is an error.
    /// </summary>
    protected void WriteItemsFromFiles(IEnumerable<string> paths, bool literal, Func<StacItem, bool>? keep = null,
        Func<string, CancellationToken, IAsyncEnumerable<StacReadResult>>? readFolder = null)
    {
        foreach (var path in paths)
        {
            foreach (var file in FileSystemPaths.ResolveExisting(this, path, literal, readFolder is null ? null : HivePartitionFolder.IsPartitioned))
            {
                WriteItemsFromFile(file, keep, readFolder is not null && Directory.Exists(file) ? readFolder : StacItemFile.ReadAsync);
            }
        }
    }

    private void WriteItemsFromFile(string file, Func<StacItem, bool>? keep, Func<string, CancellationToken, IAsyncEnumerable<StacReadResult>> read)
    {
        var progress = new ProgressThrottle(this, ProgressActivityId, $"Reading STAC Items from {file}");
        long count = 0;
        IAsyncEnumerator<StacReadResult>? results = null;
        try
        {
            while (true)
            {
                StacReadResult result;
                // Only Core's reading is guarded: exceptions from WriteObject (a stopped pipeline,
                // break in a downstream script block) must travel on untouched.
                try
                {
                    results ??= read(file, CancellationToken).GetAsyncEnumerator(CancellationToken);
                    if (!Wait(results.MoveNextAsync()))
                    {
                        break;
                    }
                    result = results.Current;
                }
                catch (Exception ex) when (ex is not PipelineStoppedException)
                {
                    WriteError(StacErrors.FileReadFailed(ex, file));
                    break;
                }

                if (result.Error is { } error)
                {
                    WriteError(StacErrors.InvalidItem(error.InputName is null ? error.At(source: file) : error, file));
                }
                else if (result.Item is { } item && (keep is null || keep(item)))
                {
                    WriteObject(item);
                }
                count++;
                progress.Report(() => $"{count} items read");
            }
        }
        finally
        {
            progress.Complete();
            if (results is not null)
            {
                Wait(results.DisposeAsync());
            }
        }
    }
}
