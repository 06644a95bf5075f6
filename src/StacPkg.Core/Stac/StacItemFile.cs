using System.Buffers;
using System.IO.Compression;
using System.Runtime.CompilerServices;
using StacPkg.Core.GeoParquet;
using StacPkg.Core.IO;

namespace StacPkg.Core.Stac;

/// <summary>Reads and writes Item files by extension.</summary>
public static class StacItemFile
{
    /// <summary>Read size: a push of this many bytes completes enough Items to read them on several cores (<see cref="StacJsonStream"/>).</summary>
    private const int ChunkBytes = 1024 * 1024;

    /// <summary>Streams the Items of a .json, .ndjson/.jsonl (each optionally .gz) or .parquet/.geoparquet file.</summary>
    /// <exception cref="ArgumentException">The extension is not one of an Item file.</exception>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    public static IAsyncEnumerable<StacReadResult> ReadAsync(string path, CancellationToken cancellationToken)
    {
        var (kind, gzip) = Classify(path);
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"the file '{path}' does not exist", path);
        }
        // Parsing runs ahead on another core while the caller handles the Items already read.
        return ReadAhead.Run(kind == StacItemFileKind.Parquet
            ? ReadParquetAsync(path, cancellationToken)
            : ReadJsonAsync(path, gzip, cancellationToken), cancellationToken);
    }

    /// <summary>
    /// A writer for .parquet/.geoparquet, .ndjson/.jsonl or .json (a FeatureCollection), chosen by
    /// extension. Signing parameters are taken out of the hrefs unless <paramref name="keepSignedHrefs"/>;
    /// <paramref name="parquet"/> lays out a GeoParquet file and is ignored for the other formats.
    /// </summary>
    /// <exception cref="ArgumentException">The extension is not one of an Item file.</exception>
    public static IStacItemWriter CreateWriter(string path, bool keepSignedHrefs = false, GeoParquetWriteOptions? parquet = null)
    {
        IStacItemWriter writer = Classify(path) switch
        {
            (StacItemFileKind.Parquet, _) => new GeoParquetItemWriter(path, parquet),
            (StacItemFileKind.Ndjson, _) => new NdjsonItemWriter(path),
            _ => new FeatureCollectionItemWriter(path),
        };
        return Unsigned(writer, keepSignedHrefs);
    }

    /// <summary>Whether <paramref name="path"/> names a STAC GeoParquet file (.parquet, .geoparquet; never gzip-compressed).</summary>
    public static bool IsParquet(string path) => IsParquetExtension(Path.GetExtension(path).ToLowerInvariant());

    private static bool IsParquetExtension(string extension) => extension is ".parquet" or ".geoparquet";

    /// <summary>
    /// A writer of a hive-partitioned folder of GeoParquet files split by <paramref name="keys"/>
    /// (see <see cref="PartitionedItemWriter"/>); a previous one at <paramref name="folder"/> is replaced only with <paramref name="replace"/>.
    /// </summary>
    /// <exception cref="IOException">The folder cannot be created or replaced; the message says why.</exception>
    public static IStacItemWriter CreatePartitionedWriter(string folder, IReadOnlyList<ItemPartitionKey> keys, bool replace, bool keepSignedHrefs = false, GeoParquetWriteOptions? parquet = null) =>
        Unsigned(new PartitionedItemWriter(folder, keys, replace, parquet), keepSignedHrefs);

    private static IStacItemWriter Unsigned(IStacItemWriter writer, bool keepSignedHrefs) =>
        keepSignedHrefs ? writer : new UnsignedItemWriter(writer);

    /// <summary>The format of <paramref name="path"/> and whether it is gzip-compressed.</summary>
    private static (StacItemFileKind Kind, bool Gzip) Classify(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var gzip = path.EndsWith(".gz", StringComparison.OrdinalIgnoreCase);
        var extension = Path.GetExtension(gzip ? path[..^3] : path).ToLowerInvariant();
        return (extension, gzip) switch
        {
            (".json" or ".geojson", _) => (StacItemFileKind.Json, gzip),
            (".ndjson" or ".jsonl" or ".ndgeojson", _) => (StacItemFileKind.Ndjson, gzip),
            (var parquet, false) when IsParquetExtension(parquet) => (StacItemFileKind.Parquet, false),
            _ => throw new ArgumentException(
                $"'{path}' is not a STAC Item file: use .json, .geojson, .ndjson, .jsonl or .ndgeojson (each optionally .gz), .parquet or .geoparquet",
                nameof(path)),
        };
    }

    private static async IAsyncEnumerable<StacReadResult> ReadParquetAsync(string path, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await foreach (var item in GeoParquetItemReader.ReadAsync(path, cancellationToken).ConfigureAwait(false))
        {
            yield return StacReadResult.Ok(item);
        }
    }

    private static async IAsyncEnumerable<StacReadResult> ReadJsonAsync(string path, bool gzip, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var json = new StacJsonStream(path);
        var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.Asynchronous | FileOptions.SequentialScan);
        if (gzip)
        {
            await CheckGzipAsync(path, file, cancellationToken).ConfigureAwait(false);
        }
        await using var input = gzip ? new GZipStream(file, CompressionMode.Decompress) : (Stream)file;
        var chunk = ArrayPool<byte>.Shared.Rent(ChunkBytes);
        try
        {
            var first = true;
            int read;
            while ((read = await ReadAsync(path, input, chunk, cancellationToken).ConfigureAwait(false)) > 0)
            {
                if (first && JsonTextEncoding.NotUtf8(chunk.AsSpan(0, read)) is { } encoding)
                {
                    throw new StacFormatException(JsonTextEncoding.Reason(encoding)) { InputName = path };
                }
                first = false;
                foreach (var result in json.Push(chunk.AsSpan(0, read)))
                {
                    yield return result;
                }
            }
            foreach (var result in json.Complete())
            {
                yield return result;
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(chunk);
        }
    }

    /// <summary>Refuses a .gz file without the gzip signature (1f 8b), which GZipStream reports as an "unsupported compression method".</summary>
    private static async Task CheckGzipAsync(string path, FileStream file, CancellationToken cancellationToken)
    {
        var signature = new byte[2];
        var read = await file.ReadAtLeastAsync(signature, 2, throwOnEndOfStream: false, cancellationToken).ConfigureAwait(false);
        file.Position = 0;
        if (read > 0 && (read < 2 || signature[0] != 0x1F || signature[1] != 0x8B))
        {
            throw new StacFormatException(
                "the file ends in .gz but is not gzip-compressed (it lacks the gzip signature): compress it with gzip, or remove .gz from its name if it is plain text")
            { InputName = path };
        }
    }

    /// <summary>A read of the (decompressed) text; damaged gzip data is named as such, with the file.</summary>
    private static async Task<int> ReadAsync(string path, Stream input, byte[] chunk, CancellationToken cancellationToken)
    {
        try
        {
            return await input.ReadAsync(chunk.AsMemory(0, ChunkBytes), cancellationToken).ConfigureAwait(false);
        }
        catch (InvalidDataException ex) when (input is GZipStream)
        {
            throw new StacFormatException($"the gzip data is damaged ({ex.Message}): compress the file again", ex) { InputName = path };
        }
    }
}
