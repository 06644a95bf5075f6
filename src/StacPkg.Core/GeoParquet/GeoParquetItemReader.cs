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
        catch (Exception ex) when (ex is IOException or InvalidDataException or Parquet.ParquetException or ArgumentException)
        {
            throw new StacFormatException($"not a readable Parquet file: {ex.Message}", ex) { InputName = full };
        }
        await using (reader)
        {
            var schema = ReadSchema.Create(reader.Metadata!.Schema, reader.Schema.GetDataFields());
            var layout = new ItemColumns(schema, reader.CustomMetadata);
            long row = 0;
            for (var g = 0; g < reader.RowGroupCount; g++)
            {
                using var rowGroup = reader.OpenRowGroupReader(g);
                foreach (var leaf in schema.Leaves)
                {
                    await leaf.LoadAsync(rowGroup, cancellationToken).ConfigureAwait(false);
                }
                for (long r = 0; r < rowGroup.RowCount; r++)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    row++;
                    StacItem item;
                    try
                    {
                        item = StacItem.FromJson(layout.ReadItem());
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
}
