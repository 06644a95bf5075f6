using System.Runtime.CompilerServices;
using Parquet;
using Parquet.Schema;
using StacPkg.Core.GeoParquet;
using StacPkg.Core.IO;

namespace StacPkg.Core.Lock;

/// <summary>
/// Reads and writes <c>assets.lock.parquet</c>, schema v1 (DESIGN.md): columns item_id, asset_key,
/// store_type, store_container, store_endpoint_url, key, size_bytes, etag, last_modified,
/// file_checksum, and the <c>stacpkg:schema-kind</c> / <c>stacpkg:schema-version</c> metadata.
/// </summary>
public static class AssetLockFile
{
    /// <summary>The lock's file name inside a package directory.</summary>
    public const string FileName = "assets.lock.parquet";

    /// <summary>Rows per row group: bounds the memory a write holds, whatever the lock's size.</summary>
    internal const int RowGroupRows = 10_000;

    /// <summary>The lock file for <paramref name="path"/>: the path itself, or <c>assets.lock.parquet</c> inside it when it is a directory (a package).</summary>
    public static string ResolvePath(string path)
    {
        var full = Path.GetFullPath(path);
        return Directory.Exists(full) ? Path.Combine(full, FileName) : full;
    }

    /// <summary>
    /// Writes the entries, in the order given, to <paramref name="path"/>. The file appears only when
    /// complete (a failed or cancelled write leaves any existing file untouched); the same rows always
    /// give the same bytes. Returns the number of rows written.
    /// </summary>
    /// <exception cref="AssetLockException">An entry breaks a row rule (<see cref="AssetLockRowRules"/>), or repeats an (item_id, asset_key) pair.</exception>
    public static Task<long> WriteAsync(string path, IEnumerable<AssetLockEntry> entries, CancellationToken cancellationToken) =>
        WriteAsync(path, AsyncSequence.From(entries, cancellationToken), cancellationToken);

    /// <inheritdoc cref="WriteAsync(string, IEnumerable{AssetLockEntry}, CancellationToken)"/>
    public static async Task<long> WriteAsync(string path, IAsyncEnumerable<AssetLockEntry> entries, CancellationToken cancellationToken)
    {
        ScratchFiles.RemoveStaleBeside(path);
        using var target = new AtomicFile(path);
        var seen = new AssetRowKeys();
        var buffer = new AssetLockWriter(RowGroupRows);
        long rows = 0;
        await using (var writer = await ParquetWriter.CreateAsync(AssetLockColumns.Schema, target.Stream, cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            writer.CustomMetadata = AssetLockColumns.Metadata();
            await foreach (var entry in entries.WithCancellation(cancellationToken).ConfigureAwait(false))
            {
                rows++;
                Check(target.TargetPath, entry, rows, seen);
                buffer.Add(entry);
                if (buffer.Count == RowGroupRows)
                {
                    await buffer.FlushAsync(writer, cancellationToken).ConfigureAwait(false);
                }
            }
            // An empty lock still gets one (empty) row group so every reader sees the schema the same way.
            if (buffer.Count > 0 || rows == 0)
            {
                await buffer.FlushAsync(writer, cancellationToken).ConfigureAwait(false);
            }
        }
        await target.CommitAsync(cancellationToken).ConfigureAwait(false);
        return rows;
    }

    private static void Check(string path, AssetLockEntry entry, long row, AssetRowKeys seen)
    {
        if (AssetLockRowRules.Describe(entry) is { } problem)
        {
            throw new AssetLockException(path, row, problem);
        }
        if (!seen.TryAdd(entry.ItemId, entry.AssetKey, row, out var first))
        {
            throw new AssetLockException(path, row, $"duplicate asset '{entry.AssetKey}' of item '{entry.ItemId}' (first at row {first})");
        }
    }

    /// <summary>
    /// Streams the rows of a lock, one row group at a time. <paramref name="path"/> is a lock file or a
    /// package directory. Unknown columns are ignored, file_checksum (and the other fact columns) may
    /// be absent, and columns may come in any order. A row that breaks a row rule
    /// (<see cref="AssetLockRowRules"/>: no item_id, a negative size, a malformed checksum, …), or
    /// repeats an earlier pair, is a per-row error; the other rows still read. The rows of a package's lock
    /// carry the package folder (<see cref="AssetLockEntry.PackageRoot"/>): its bundled rows' keys are
    /// paths inside it.
    /// </summary>
    /// <exception cref="AssetLockException">The file is not readable Parquet, or not an asset lock; the message names it.</exception>
    /// <exception cref="FileNotFoundException">No file at the path (or no lock in the package directory).</exception>
    public static async IAsyncEnumerable<AssetLockReadResult> ReadAsync(string path, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var file = ResolvePath(path);
        if (!File.Exists(file))
        {
            throw new FileNotFoundException($"no asset lock at '{file}'", file);
        }
        var folder = Path.GetDirectoryName(file)!;
        var packageRoot = Path.GetFileName(file) == FileName && Packaging.StacPackageLayout.IsPackage(folder) ? folder : null;
        await using var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.Asynchronous);
        var reader = await OpenAsync(file, stream, cancellationToken).ConfigureAwait(false);
        await using (reader)
        {
            var columns = LockColumns(file, reader);
            var seen = new AssetRowKeys();
            long row = 0;
            for (var g = 0; g < reader.RowGroupCount; g++)
            {
                var group = await ReadRowGroupAsync(file, reader, g, columns, cancellationToken).ConfigureAwait(false);
                for (var r = 0; r < group.Rows; r++)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    row++;
                    yield return group.Result(file, r, row, seen, packageRoot);
                }
            }
        }
    }

    private static async Task<ParquetReader> OpenAsync(string file, Stream stream, CancellationToken cancellationToken)
    {
        try
        {
            return await ParquetReader.CreateAsync(stream, cancellationToken: cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ParquetDamage.IsDamage(ex))
        {
            throw new AssetLockException(file, null, ParquetDamage.Reason("reading the footer", ex), ex);
        }
    }

    /// <summary>Checks that the file is a lock and finds its columns by name.</summary>
    private static Dictionary<string, AssetLockColumnReader> LockColumns(string file, ParquetReader reader)
    {
        IReadOnlyDictionary<string, string> metadata;
        List<Field> fields;
        try
        {
            metadata = reader.CustomMetadata ?? new Dictionary<string, string>();
            fields = reader.Schema.Fields.ToList();
        }
        catch (Exception ex) when (ParquetDamage.IsDamage(ex))
        {
            throw new AssetLockException(file, null, ParquetDamage.Reason("reading the schema", ex), ex);
        }
        if (metadata.TryGetValue(AssetLockColumns.SchemaKindKey, out var kind) && kind != AssetLockColumns.SchemaKind)
        {
            throw new AssetLockException(file, null, $"not an asset lock: {AssetLockColumns.SchemaKindKey} is '{kind}', expected '{AssetLockColumns.SchemaKind}'");
        }
        if (metadata.TryGetValue(AssetLockColumns.SchemaVersionKey, out var version) && version != AssetLockColumns.SchemaVersion)
        {
            throw new AssetLockException(file, null, $"asset lock schema version '{version}' is not supported (this version reads '{AssetLockColumns.SchemaVersion}')");
        }
        // Only top-level, non-repeated columns can be lock columns; anything else is an unknown column.
        var columns = fields
            .OfType<DataField>()
            .Where(f => !f.IsArray && f.MaxRepetitionLevel == 0)
            .GroupBy(f => f.Name, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => new AssetLockColumnReader(g.First()), StringComparer.Ordinal);
        var missing = AssetLockColumns.Required.Where(name => !columns.ContainsKey(name)).ToList();
        if (missing.Count > 0)
        {
            var what = kind is null ? "not an asset lock" : "an asset lock without its required columns";
            throw new AssetLockException(file, null, $"{what}: no column {string.Join(", ", missing)}");
        }
        return columns;
    }

    private static async Task<AssetLockRowGroup> ReadRowGroupAsync(
        string file, ParquetReader reader, int index, Dictionary<string, AssetLockColumnReader> columns, CancellationToken cancellationToken)
    {
        try
        {
            var rowGroup = reader.OpenRowGroupReader(index);
            async Task<string?[]?> Strings(string name) =>
                columns.TryGetValue(name, out var c) ? await c.ReadStringsAsync(rowGroup, cancellationToken).ConfigureAwait(false) : null;

            return new AssetLockRowGroup(
                checked((int)rowGroup.RowCount),
                (await Strings(AssetLockColumns.ItemId).ConfigureAwait(false))!,
                (await Strings(AssetLockColumns.AssetKey).ConfigureAwait(false))!,
                (await Strings(AssetLockColumns.StoreType).ConfigureAwait(false))!,
                await Strings(AssetLockColumns.StoreContainer).ConfigureAwait(false),
                await Strings(AssetLockColumns.StoreEndpointUrl).ConfigureAwait(false),
                (await Strings(AssetLockColumns.Key).ConfigureAwait(false))!,
                columns.TryGetValue(AssetLockColumns.SizeBytes, out var sizes) ? await sizes.ReadLongsAsync(rowGroup, cancellationToken).ConfigureAwait(false) : null,
                await Strings(AssetLockColumns.ETag).ConfigureAwait(false),
                await Strings(AssetLockColumns.LastModified).ConfigureAwait(false),
                await Strings(AssetLockColumns.FileChecksum).ConfigureAwait(false));
        }
        catch (Exception ex) when (ParquetDamage.IsDamage(ex))
        {
            throw new AssetLockException(file, null, ParquetDamage.Reason($"reading row group {index + 1}", ex), ex);
        }
    }
}
