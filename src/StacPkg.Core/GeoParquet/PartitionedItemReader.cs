using System.Runtime.CompilerServices;
using StacPkg.Core.IO;
using StacPkg.Core.Stac;

namespace StacPkg.Core.GeoParquet;

/// <summary>
/// Reads a hive-partitioned folder of STAC GeoParquet files (ours, or one DuckDB's
/// <c>COPY ... (PARTITION_BY (collection))</c> wrote): every part file in the order of
/// <see cref="HivePartitionFolder.EnumerateParts"/>. An Item without a collection gets the one of its
/// <c>collection=</c> folder, which writers that leave the partition column out of the files rely on.
/// </summary>
public static class PartitionedItemReader
{
    private const string CollectionKey = "collection";

    /// <summary>
    /// Streams the Items of the folder. Partition folders of a collection <paramref name="collection"/>
    /// refuses are skipped without opening their files. A part file that cannot be read is one error
    /// result (naming the file), and reading goes on with the next file.
    /// </summary>
    public static IAsyncEnumerable<StacReadResult> ReadAsync(string folder, Func<string?, bool>? collection, CancellationToken cancellationToken) =>
        // Decoding runs ahead on another core while the caller handles the Items already read.
        ReadAhead.Run(ReadPartsAsync(folder, collection, cancellationToken), cancellationToken);

    private static async IAsyncEnumerable<StacReadResult> ReadPartsAsync(string folder, Func<string?, bool>? collection, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var keep = collection is null ? null : (Func<string, string?, bool>)((key, value) => !IsCollection(key) || collection(value));
        foreach (var part in HivePartitionFolder.EnumerateParts(Path.GetFullPath(folder), keep))
        {
            var fromPath = part.Partition.LastOrDefault(p => IsCollection(p.Key));
            var items = GeoParquetItemReader.ReadAsync(part.File, cancellationToken).GetAsyncEnumerator(cancellationToken);
            await using (items.ConfigureAwait(false))
            {
                long row = 0;
                while (true)
                {
                    StacReadResult result;
                    var failed = false;
                    try
                    {
                        if (!await items.MoveNextAsync().ConfigureAwait(false))
                        {
                            break;
                        }
                        row++;
                        result = WithPartition(items.Current, fromPath.Key is null ? null : fromPath, part.File, row);
                    }
                    catch (StacFormatException ex)
                    {
                        // The rest of this file is unreadable; the next file may not be.
                        result = StacReadResult.Fail(ex.InputName is null ? ex.At(source: part.File) : ex);
                        failed = true;
                    }
                    yield return result;
                    if (failed)
                    {
                        break;
                    }
                }
            }
        }
    }

    private static bool IsCollection(string key) => string.Equals(key, CollectionKey, StringComparison.OrdinalIgnoreCase);

    /// <summary>The Item with its folder's collection; an Item whose own collection differs is an error, not silently relabelled.</summary>
    private static StacReadResult WithPartition(StacItem item, KeyValuePair<string, string?>? collection, string file, long row)
    {
        if (collection is not { Value: var value })
        {
            return StacReadResult.Ok(item);
        }
        if (item.Collection is null)
        {
            item.Collection = value;
            return StacReadResult.Ok(item);
        }
        return item.Collection == value
            ? StacReadResult.Ok(item)
            : StacReadResult.Fail(new StacFormatException(
                $"the Item's collection '{item.Collection}' differs from its partition folder's, {(value is null ? "the default partition (none)" : $"'{value}'")}")
            { ItemId = item.Id, InputName = file, Index = row });
    }
}
