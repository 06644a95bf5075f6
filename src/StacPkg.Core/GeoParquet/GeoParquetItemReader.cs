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
            long row = 0;
            for (var g = 0; g < reader.RowGroupCount; g++)
            {
                using var rowGroup = Guarded(full, $"opening row group {g + 1}", () => reader.OpenRowGroupReader(g));
                await LoadAsync(full, g, schema, rowGroup, cancellationToken).ConfigureAwait(false);
                for (long r = 0; r < rowGroup.RowCount; r++)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    row++;
                    StacItem item;
                    try
                    {
                        item = StacItem.FromJson(Guarded(full, $"decoding row {row}", layout.ReadItem));
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
