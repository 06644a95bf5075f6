using System.Security.Cryptography;
using StacPkg.Core.Lock;
using StacPkg.Core.Tests.Support;

namespace StacPkg.Core.Tests.Lock;

public sealed class AssetLockFileTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("stacpkg-lock-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static string FixturePath => Fixtures.PathOf("locks/v1-without-checksum.parquet");

    internal static List<AssetLockEntry> SampleEntries() =>
    [
        new() { ItemId = "item-1", AssetKey = "visual", StoreType = "https", StoreContainer = "https://example.com", Key = "a/b c+%.tif",
                SizeBytes = 8312816, ETag = "\"8c4b1ad1f7c0c6b9a2b4d1c4e8f0a3b2-2\"", LastModified = "2022-09-12T08:21:55Z",
                FileChecksum = Multihash.Sha256([1, 2, 3]) },
        new() { ItemId = "item-1", AssetKey = "thumbnail", StoreType = "s3", StoreContainer = "bucket", StoreEndpointUrl = "http://127.0.0.1:9000", Key = "ä/thumb.png" },
        new() { ItemId = "item-2", AssetKey = "visual", StoreType = "file", Key = "/data/x.tif", SizeBytes = 0, LastModified = "2026-11-20T10:00:00Z" },
    ];

    private static async Task<List<AssetLockReadResult>> ReadAllAsync(string path)
    {
        var results = new List<AssetLockReadResult>();
        await foreach (var r in AssetLockFile.ReadAsync(path, CancellationToken.None)) results.Add(r);
        return results;
    }

    private static void AssertSame(AssetLockEntry expected, AssetLockEntry actual)
    {
        Assert.Equal(
            (expected.ItemId, expected.AssetKey, expected.StoreType, expected.StoreContainer, expected.StoreEndpointUrl, expected.Key),
            (actual.ItemId, actual.AssetKey, actual.StoreType, actual.StoreContainer, actual.StoreEndpointUrl, actual.Key));
        Assert.Equal((expected.SizeBytes, expected.ETag, expected.LastModified, expected.FileChecksum),
            (actual.SizeBytes, actual.ETag, actual.LastModified, actual.FileChecksum));
    }

    [Fact]
    public async Task Round_trip_keeps_every_field_and_the_input_order()
    {
        var path = Path.Combine(_dir, "a.parquet");
        var entries = SampleEntries();
        Assert.Equal(3, await AssetLockFile.WriteAsync(path, entries, CancellationToken.None));
        var read = await ReadAllAsync(path);
        Assert.All(read, r => Assert.Null(r.Error));
        Assert.Equal(3, read.Count);
        for (var i = 0; i < 3; i++) AssertSame(entries[i], read[i].Entry!);
    }

    [Fact]
    public async Task Same_rows_give_the_same_bytes()
    {
        var a = Path.Combine(_dir, "a.parquet");
        var b = Path.Combine(_dir, "b.parquet");
        await AssetLockFile.WriteAsync(a, SampleEntries(), CancellationToken.None);
        await AssetLockFile.WriteAsync(b, SampleEntries(), CancellationToken.None);
        Assert.Equal(SHA256.HashData(File.ReadAllBytes(a)), SHA256.HashData(File.ReadAllBytes(b)));
    }

    [Fact]
    public async Task Many_rows_span_several_row_groups_in_order()
    {
        var path = Path.Combine(_dir, "big.parquet");
        var count = AssetLockFile.RowGroupRows * 2 + 17;
        var entries = Enumerable.Range(0, count).Select(i => new AssetLockEntry
        {
            ItemId = $"i{i}", AssetKey = "data", StoreType = "file", Key = $"/x/{i}", SizeBytes = i % 3 == 0 ? null : i,
        });
        Assert.Equal(count, await AssetLockFile.WriteAsync(path, entries, CancellationToken.None));
        var i = 0;
        await foreach (var r in AssetLockFile.ReadAsync(path, CancellationToken.None))
        {
            Assert.Equal($"i{i}", r.Entry!.ItemId);
            Assert.Equal(i % 3 == 0 ? null : i, r.Entry.SizeBytes);
            i++;
        }
        Assert.Equal(count, i);
    }

    [Fact]
    public async Task Duplicate_item_and_asset_is_refused_and_leaves_no_file()
    {
        var path = Path.Combine(_dir, "dup.parquet");
        var entries = SampleEntries();
        entries.Add(new AssetLockEntry { ItemId = "item-1", AssetKey = "thumbnail", StoreType = "file", Key = "/y" });
        var ex = await Assert.ThrowsAsync<AssetLockException>(() => AssetLockFile.WriteAsync(path, entries, CancellationToken.None));
        Assert.Contains("duplicate asset 'thumbnail' of item 'item-1' (first at row 2)", ex.Message);
        Assert.Equal(4, ex.Row);
        Assert.False(File.Exists(path));
        Assert.Empty(Directory.GetFiles(_dir));
    }

    [Fact]
    public async Task An_entry_without_item_id_is_refused()
    {
        var path = Path.Combine(_dir, "x.parquet");
        var ex = await Assert.ThrowsAsync<AssetLockException>(() =>
            AssetLockFile.WriteAsync(path, [new AssetLockEntry { AssetKey = "a", StoreType = "file", Key = "/k" }], CancellationToken.None));
        Assert.Contains("item_id is empty", ex.Message);
    }

    [Fact]
    public async Task A_package_directory_reads_its_assets_lock()
    {
        await AssetLockFile.WriteAsync(Path.Combine(_dir, AssetLockFile.FileName), SampleEntries(), CancellationToken.None);
        Assert.Equal(3, (await ReadAllAsync(_dir)).Count);
    }

    [Fact]
    public async Task A_missing_lock_names_the_file()
    {
        var ex = await Assert.ThrowsAsync<FileNotFoundException>(() => ReadAllAsync(_dir));
        Assert.Contains(AssetLockFile.FileName, ex.Message);
    }

    [Fact]
    public async Task A_corrupt_or_truncated_parquet_names_the_file()
    {
        var good = Path.Combine(_dir, "good.parquet");
        await AssetLockFile.WriteAsync(good, SampleEntries(), CancellationToken.None);
        var bytes = File.ReadAllBytes(good);
        var truncated = Path.Combine(_dir, "truncated.parquet");
        File.WriteAllBytes(truncated, bytes[..(bytes.Length / 2)]);
        var ex = await Assert.ThrowsAsync<AssetLockException>(() => ReadAllAsync(truncated));
        Assert.Contains("truncated.parquet", ex.Message);
        Assert.Contains("not a readable Parquet file", ex.Message);

        var text = Path.Combine(_dir, "text.parquet");
        File.WriteAllText(text, "item_id,asset_key\n");
        ex = await Assert.ThrowsAsync<AssetLockException>(() => ReadAllAsync(text));
        Assert.Contains("text.parquet", ex.Message);
    }

    [Fact]
    public async Task Fixture_written_by_DuckDB_without_checksum_reads_every_row()
    {
        var read = await ReadAllAsync(FixturePath);
        Assert.All(read, r => Assert.Null(r.Error));
        var rows = read.Select(r => r.Entry!).ToList();
        Assert.Equal(4, rows.Count);
        Assert.Equal(("https", "https://oin-hotosm-temp.s3.amazonaws.com"), (rows[0].StoreType, rows[0].StoreContainer));
        Assert.Equal(62118, rows[0].SizeBytes);
        Assert.Equal("\"8c4b1ad1f7c0c6b9a2b4d1c4e8f0a3b2-2\"", rows[1].ETag);
        Assert.Equal(("s3", "oin-hotosm-temp", "https://s3.us-east-1.amazonaws.com"), (rows[2].StoreType, rows[2].StoreContainer, rows[2].StoreEndpointUrl));
        Assert.Equal((null, null, null), (rows[2].SizeBytes, rows[2].ETag, rows[2].LastModified));
        Assert.Equal(("file", "/data/local-assets/5f2a1b0c9d8e7f6a5b4c3d2e/visual.tif"), (rows[3].StoreType, rows[3].Key));
        Assert.Equal("2026-11-20T10:00:00+00:00", rows[3].LastModified);
        Assert.All(rows, r => Assert.Null(r.FileChecksum));
    }

    [SkippableFact]
    public async Task DuckDB_reads_our_lock_with_the_v1_types_metadata_and_values()
    {
        DuckDb.RequireAvailable();
        var path = Path.Combine(_dir, "ours.parquet");
        await AssetLockFile.WriteAsync(path, SampleEntries(), CancellationToken.None);
        var file = DuckDb.Literal(path);

        var columns = DuckDb.Query($"SELECT column_name, column_type FROM (DESCRIBE SELECT * FROM read_parquet({file}))");
        Assert.Equal(
            ["item_id:VARCHAR", "asset_key:VARCHAR", "store_type:VARCHAR", "store_container:VARCHAR", "store_endpoint_url:VARCHAR",
             "key:VARCHAR", "size_bytes:BIGINT", "etag:VARCHAR", "last_modified:VARCHAR", "file_checksum:VARCHAR"],
            columns.Select(c => $"{c.GetProperty("column_name").GetString()}:{c.GetProperty("column_type").GetString()}"));

        var required = DuckDb.Query($"SELECT name, repetition_type FROM parquet_schema({file}) WHERE name IN ('item_id', 'asset_key', 'key')");
        Assert.Equal(["item_id:REQUIRED", "asset_key:REQUIRED", "key:OPTIONAL"],
            required.Select(r => $"{r.GetProperty("name").GetString()}:{r.GetProperty("repetition_type").GetString()}"));

        var metadata = DuckDb.Query($"SELECT decode(key) AS k, decode(value) AS v FROM parquet_kv_metadata({file}) ORDER BY k");
        Assert.Equal(["stacpkg:schema-kind=asset-lock", "stacpkg:schema-version=v1"],
            metadata.Select(m => $"{m.GetProperty("k").GetString()}={m.GetProperty("v").GetString()}"));

        var rows = DuckDb.Query($"SELECT * FROM read_parquet({file})");
        Assert.Equal(3, rows.Count);
        Assert.Equal("a/b c+%.tif", rows[0].GetProperty("key").GetString());
        Assert.Equal(8312816, rows[0].GetProperty("size_bytes").GetInt64());
        Assert.Equal("\"8c4b1ad1f7c0c6b9a2b4d1c4e8f0a3b2-2\"", rows[0].GetProperty("etag").GetString());
        Assert.StartsWith("1220", rows[0].GetProperty("file_checksum").GetString());
        Assert.Equal("ä/thumb.png", rows[1].GetProperty("key").GetString());
        Assert.Equal(System.Text.Json.JsonValueKind.Null, rows[1].GetProperty("size_bytes").ValueKind);
        Assert.Equal("http://127.0.0.1:9000", rows[1].GetProperty("store_endpoint_url").GetString());
        Assert.Equal(0, rows[2].GetProperty("size_bytes").GetInt64());
    }

    [SkippableFact]
    public async Task Reads_locks_with_other_column_order_unknown_columns_and_no_metadata()
    {
        DuckDb.RequireAvailable();
        var path = Path.Combine(_dir, "foreign.parquet");
        DuckDb.Query($"""
            COPY (SELECT 'extra' AS note, CAST(5 AS INTEGER) AS size_bytes, 'k/1' AS key, 'file' AS store_type, 'a' AS asset_key, 'i' AS item_id,
                         '1220{new string('a', 64)}' AS file_checksum)
            TO {DuckDb.Literal(path)} (FORMAT parquet)
            """);
        var read = await ReadAllAsync(path);
        var entry = Assert.Single(read).Entry!;
        Assert.Equal(("i", "a", "file", "k/1", 5L), (entry.ItemId, entry.AssetKey, entry.StoreType, entry.Key, entry.SizeBytes));
        Assert.Equal("1220" + new string('a', 64), entry.FileChecksum);
        Assert.Null(entry.ETag);
    }

    [SkippableFact]
    public async Task Rows_with_null_required_fields_are_per_row_errors_and_the_others_still_read()
    {
        DuckDb.RequireAvailable();
        var path = Path.Combine(_dir, "nulls.parquet");
        DuckDb.Query($$"""
            COPY (SELECT * FROM (VALUES
                    ('i1', 'a', 'file', '/k1'),
                    (NULL, 'a', 'file', '/k2'),
                    ('i3', NULL, 'file', '/k3'),
                    ('i4', 'a', NULL, NULL),
                    ('i1', 'a', 'file', '/k5')) t(item_id, asset_key, store_type, key))
            TO {{DuckDb.Literal(path)}} (FORMAT parquet, KV_METADATA {'stacpkg:schema-kind': 'asset-lock', 'stacpkg:schema-version': 'v1'})
            """);
        var read = await ReadAllAsync(path);
        Assert.Equal(5, read.Count);
        Assert.Equal("i1", read[0].Entry!.ItemId);
        Assert.Equal((2L, "item '' asset 'a': item_id is empty"), (read[1].Error!.Row, read[1].Error!.Reason));
        Assert.Equal(3L, read[2].Error!.Row);
        Assert.Contains("asset_key is empty", read[2].Error!.Message);
        Assert.Contains("nulls.parquet", read[2].Error!.Message);
        Assert.Equal((4L, "item 'i4' asset 'a': store_type is empty"), (read[3].Error!.Row, read[3].Error!.Reason));
        Assert.Contains("duplicate asset 'a' of item 'i1' (first at row 1)", read[4].Error!.Message);
    }

    [SkippableFact]
    public async Task Rows_with_bad_facts_are_per_row_errors_naming_item_asset_field_and_value()
    {
        DuckDb.RequireAvailable();
        var path = Path.Combine(_dir, "bad.parquet");
        var good = Multihash.Sha256([1, 2, 3]);
        DuckDb.Query($$"""
            COPY (SELECT * FROM (VALUES
                    ('i1', 'ok', 'file', NULL, '/k1', 5::BIGINT, '{{good}}', '2024-05-01T10:00:00+00:00'),
                    ('i2', 'size', 'file', NULL, '/k2', -5::BIGINT, NULL, NULL),
                    ('i3', 'sum', 'file', NULL, '/k3', 1::BIGINT, 'zzzz', NULL),
                    ('i4', 'type', 'ftp', 'ftp://host', 'k4', NULL, NULL, NULL),
                    ('i5', 'short', 's3', 'bucket', 'k5', NULL, '1220abcd', NULL),
                    ('i6', 'date', 'https', 'https://example.com', 'k6', NULL, NULL, 'yesterday'),
                    ('i7', 'nokey', 's3', 'bucket', '', NULL, NULL, NULL),
                    ('i8', 'signed', 'https', 'https://h/x?sig=SECRET', '', NULL, NULL, NULL),
                    ('i9', 'md5', 'https', 'https://example.com', 'k9', NULL, 'd50110' || repeat('ab', 16), NULL))
                t(item_id, asset_key, store_type, store_container, key, size_bytes, file_checksum, last_modified))
            TO {{DuckDb.Literal(path)}} (FORMAT parquet, KV_METADATA {'stacpkg:schema-kind': 'asset-lock', 'stacpkg:schema-version': 'v1'})
            """);
        var read = await ReadAllAsync(path);
        Assert.Equal(9, read.Count);
        Assert.Equal("ok", read[0].Entry!.AssetKey);
        Assert.Equal("item 'i2' asset 'size': size_bytes -5 is negative", read[1].Error!.Reason);
        Assert.Equal("item 'i3' asset 'sum': file_checksum 'zzzz' is not hex digits in pairs", read[2].Error!.Reason);
        Assert.Equal("item 'i4' asset 'type': store_type 'ftp' is not one of file, s3, az, gs, http, https", read[3].Error!.Reason);
        Assert.StartsWith("item 'i5' asset 'short': file_checksum '1220abcd' is not a sha2-256 multihash", read[4].Error!.Reason);
        Assert.Equal("item 'i6' asset 'date': last_modified 'yesterday' is not an ISO-8601 timestamp", read[5].Error!.Reason);
        Assert.Equal("item 'i7' asset 'nokey': key is empty (a s3 row needs its object key)", read[6].Error!.Reason);
        Assert.Contains("signed query", read[7].Error!.Reason);
        Assert.DoesNotContain("SECRET", read[7].Error!.Message);
        // Another hash function with its right length is a valid checksum (not compared, but not wrong).
        Assert.Equal("md5", read[8].Entry!.AssetKey);
        Assert.All(read.Skip(1).SkipLast(1), r => Assert.Contains("bad.parquet: row ", r.Error!.Message));
    }

    [Fact]
    public async Task Writing_a_row_that_breaks_a_rule_leaves_no_file()
    {
        var path = Path.Combine(_dir, "w.parquet");
        var entries = SampleEntries();
        entries[2].SizeBytes = -5;
        var ex = await Assert.ThrowsAsync<AssetLockException>(() => AssetLockFile.WriteAsync(path, entries, CancellationToken.None));
        Assert.Equal((3L, "item 'item-2' asset 'visual': size_bytes -5 is negative"), (ex.Row, ex.Reason));
        Assert.False(File.Exists(path));
    }

    [SkippableFact]
    public async Task A_parquet_that_is_not_a_lock_is_refused_naming_the_file()
    {
        DuckDb.RequireAvailable();
        var items = Path.Combine(_dir, "items.parquet");
        DuckDb.Query($$"""
            COPY (SELECT 'x' AS item_id, 'y' AS asset_key, 'file' AS store_type, '/k' AS key)
            TO {{DuckDb.Literal(items)}} (FORMAT parquet, KV_METADATA {'stacpkg:schema-kind': 'items'})
            """);
        var ex = await Assert.ThrowsAsync<AssetLockException>(() => ReadAllAsync(items));
        Assert.Contains("items.parquet", ex.Message);
        Assert.Contains("not an asset lock", ex.Message);

        var other = Path.Combine(_dir, "other.parquet");
        DuckDb.Query($"COPY (SELECT 1 AS id, 'x' AS name) TO {DuckDb.Literal(other)} (FORMAT parquet)");
        ex = await Assert.ThrowsAsync<AssetLockException>(() => ReadAllAsync(other));
        Assert.Contains("other.parquet: not an asset lock: no column item_id, asset_key, store_type, key", ex.Message);
    }
}
