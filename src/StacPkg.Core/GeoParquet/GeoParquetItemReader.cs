using System.Runtime.CompilerServices;
using Parquet;
using StacPkg.Core.Json;
using StacPkg.Core.Stac;

namespace StacPkg.Core.GeoParquet;

/// <summary>
/// Reads STAC GeoParquet into Items: files written by StacPkg, by stac-geoparquet (old and new)
/// and by rustac — µs, ms or ns timestamps, dictionary-encoded strings, bbox as struct or list.
/// </summary>
public static class GeoParquetItemReader
{
    /// <summary>Streams the Items of a STAC GeoParquet file, one row group at a time.</summary>
    /// <exception cref="StacFormatException">A row is not a valid Item, or the file is not readable Parquet; the message names the file and row.</exception>
    public static async IAsyncEnumerable<StacItem> ReadAsync(string path, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var full = Path.GetFullPath(path);
        await using var stream = new FileStream(full, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.Asynchronous);
        ParquetReader reader;
        try
        {
            reader = await ParquetReader.CreateAsync(stream, cancellationToken: cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ParquetDamage.IsDamage(ex))
        {
            throw Damaged(full, "reading the footer", ex);
        }
        await using (reader)
        {
            var (schema, layout) = Guarded(full, "reading the schema", () =>
            {
                var schema = ReadSchema.Create(reader.Metadata!.Schema, reader.Schema.GetDataFields());
                return (schema, new ItemColumns(schema, reader.CustomMetadata));
            });
            // Each Item carries its Collection from the file's metadata, so a copy to another file keeps it.
            var collections = new StacCollectionSet();
            foreach (var collection in StacGeoParquetMetadata.Read(reader.CustomMetadata).Collections)
            {
                collections.Set(collection);
            }
            var document = new BinaryJsonBuffer();
            var record = new BinaryJsonBuffer();
            var keys = new KeyCache();
            long row = 0;
            for (var g = 0; g < reader.RowGroupCount; g++)
            {
                using var rowGroup = Guarded(full, $"opening row group {g + 1}", () => reader.OpenRowGroupReader(g));
                await LoadAsync(full, g, schema, rowGroup, cancellationToken).ConfigureAwait(false);
                // The records are made only from finite numbers; a row group holding others is read the eager way, which refuses them.
                var finiteColumns = !schema.Leaves.Any(l => l.HasNonFinite);
                for (long r = 0; r < rowGroup.RowCount; r++)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    row++;
                    StacItem item;
                    try
                    {
                        document.Clear();
                        var finite = Guarded(full, $"decoding row {row}", () => layout.ReadDocument(document));
                        item = (finiteColumns && finite ? TryRecord(document, record) : null) ?? Eager(document, keys);
                        item.StacCollection = collections.Find(item.Collection);
                    }
                    catch (StacFormatException ex)
                    {
                        throw ex.At(full, index: row);
                    }
                    yield return item;
                }
            }
        }
    }

    /// <summary>The Item of a row's document as its record, built without objects; null when the document is anything unusual.</summary>
    private static StacItem? TryRecord(BinaryJsonBuffer document, BinaryJsonBuffer record)
    {
        record.Clear();
        return StacItemRecordCanonicalizer.TryWrite(document.WrittenSpan, record, out var id, out var collection)
            ? new StacItem(new StacItemRecord(record.WrittenSpan.ToArray()), id, collection)
            : null;
    }

    /// <summary>The Item of a row's document built as objects, or the error that says why it is not one.</summary>
    /// <exception cref="StacFormatException">The row is not a valid Item.</exception>
    private static StacItem Eager(BinaryJsonBuffer document, KeyCache keys)
    {
        var position = 0;
        return StacItem.FromJson((JsonMap)BinaryJson.Read(document.WrittenSpan, ref position, keys)!);
    }

    private static async Task LoadAsync(string file, int group, ReadSchema schema, ParquetRowGroupReader rowGroup, CancellationToken cancellationToken)
    {
        foreach (var leaf in schema.Leaves)
        {
            try
            {
                await leaf.LoadAsync(rowGroup, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ParquetDamage.IsDamage(ex))
            {
                throw Damaged(file, $"reading row group {group + 1}", ex);
            }
        }
    }

    private static T Guarded<T>(string file, string what, Func<T> read)
    {
        try
        {
            return read();
        }
        catch (Exception ex) when (ex is not StacFormatException && ParquetDamage.IsDamage(ex))
        {
            throw Damaged(file, what, ex);
        }
    }

    private static StacFormatException Damaged(string file, string what, Exception ex) =>
        new(ParquetDamage.Reason(what, ex), ex) { InputName = file };
}
