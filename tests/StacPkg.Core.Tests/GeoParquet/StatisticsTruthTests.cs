using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using StacPkg.Core.GeoParquet;
using StacPkg.Core.Stac;
using StacPkg.Core.Tests.Support;

namespace StacPkg.Core.Tests.GeoParquet;

/// <summary>
/// Readers skip row groups by their min/max statistics, so a wrong statistic silently drops rows
/// from a filtered query. Over every Parquet file the writer produces from the fixtures (and a
/// generated set with many row groups), DuckDB must find each statistic true to the values, and
/// range predicates with DuckDB's default pushdown must count what the source holds.
/// </summary>
public sealed class StatisticsTruthTests : IDisposable
{
    private const string Generated = "generated";
    private const string NoGeoConversion = "SET enable_geoparquet_conversion = false; SET TimeZone = 'UTC'; ";

    /// <summary>Top-level columns that are not Item properties.</summary>
    private static readonly HashSet<string> CoreColumns =
        ["type", "stac_version", "stac_extensions", "id", "geometry", "bbox", "links", "assets", "collection"];

    private static readonly string[] TimestampColumns = ["datetime", "start_datetime", "end_datetime"];

    private readonly string _dir = Directory.CreateTempSubdirectory("stacpkg-stats-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    public static TheoryData<string> Sources() => new(
        Fixtures.ItemFiles()
            .Concat(((IEnumerable<object[]>)GeoParquetRoundTripTests.ForeignParquetFiles()).Select(row => (string)row[0]))
            .Append(Generated));

    [SkippableTheory]
    [MemberData(nameof(Sources))]
    public async Task Statistics_bound_every_value_and_filtered_counts_match_the_source(string source)
    {
        DuckDb.RequireAvailable();
        var (file, sourceItems) = await WriteAsync(source);
        var literal = DuckDb.Literal(file);

        AssertStatisticsBoundTheValues(literal);

        var columns = DuckDb.Query($"{NoGeoConversion}SELECT column_name, column_type FROM (DESCRIBE SELECT * FROM read_parquet({literal}))")
            .ToDictionary(r => r.GetProperty("column_name").GetString()!, r => r.GetProperty("column_type").GetString()!);
        var predicates = Predicates(literal, columns, sourceItems);
        Assert.Contains(predicates, p => TimestampColumns.Any(t => p.Sql.StartsWith(Quote(t), StringComparison.Ordinal)));
        Assert.Contains(predicates, p => p.Sql.StartsWith("bbox.", StringComparison.Ordinal));

        var sql = predicates.Select(p => p.Sql).ToList();
        var actual = Counts($"read_parquet({literal})", sql, pushdown: true);
        var expected = sourceItems is null
            ? CountsInSourceParquet(Fixtures.PathOf(source), sql)
            : predicates.Select(p => p.Expected!.Value).ToList();
        for (var i = 0; i < predicates.Count; i++)
        {
            Assert.True(expected[i] == actual[i], $"{source}: WHERE {sql[i]} gave {actual[i]} rows, the source has {expected[i]}");
        }
    }

    /// <summary>The counts in a foreign Parquet file, whose bbox may be a list (older stac-geoparquet) rather than a struct.</summary>
    private static List<long> CountsInSourceParquet(string path, List<string> predicates)
    {
        var table = $"read_parquet({DuckDb.Literal(path)})";
        var bbox = DuckDb.Scalar($"{NoGeoConversion}SELECT column_type FROM (DESCRIBE SELECT bbox FROM {table})").GetString()!;
        if (!bbox.StartsWith("STRUCT", StringComparison.Ordinal))
        {
            predicates = predicates.Select(p => p
                .Replace("bbox.xmin", "bbox[1]", StringComparison.Ordinal)
                .Replace("bbox.ymin", "bbox[2]", StringComparison.Ordinal)
                .Replace("bbox.xmax", "bbox[CASE len(bbox) WHEN 6 THEN 4 ELSE 3 END]", StringComparison.Ordinal)
                .Replace("bbox.ymax", "bbox[CASE len(bbox) WHEN 6 THEN 5 ELSE 4 END]", StringComparison.Ordinal)).ToList();
        }
        return Counts(table, predicates, pushdown: false);
    }

    /// <summary>
    /// Counts the rows matching each predicate: in a WHERE clause, as a user's query runs (statistics
    /// may skip row groups), or in FILTER, evaluated on every row (for a Parquet source).
    /// </summary>
    private static List<long> Counts(string table, List<string> predicates, bool pushdown)
    {
        var selects = predicates.Select((p, i) => pushdown
            ? $"(SELECT count(*) FROM {table} WHERE {p}) AS c{i}"
            : $"count(*) FILTER (WHERE {p}) AS c{i}");
        var row = DuckDb.Query($"{NoGeoConversion}SELECT {string.Join(", ", selects)}{(pushdown ? "" : $" FROM {table}")}")[0];
        return predicates.Select((_, i) => row.GetProperty($"c{i}").GetInt64()).ToList();
    }

    /// <summary>Writes <paramref name="source"/> with our writer; returns the file and the source's Item JSON (null for a Parquet source).</summary>
    private async Task<(string File, List<JsonElement>? Items)> WriteAsync(string source)
    {
        var file = Path.Combine(_dir, "out.parquet");
        if (source == Generated)
        {
            var ndjson = Path.Combine(_dir, "generated.ndjson");
            File.WriteAllLines(ndjson, GenerateItems(1_200));
            await using var writer = new GeoParquetItemWriter(file, new GeoParquetWriteOptions { RowGroupSize = 150 });
            foreach (var item in Fixtures.LoadItems(ndjson))
            {
                await writer.WriteAsync(item, default);
            }
            await writer.CompleteAsync(default);
            return (file, SourceJson(ndjson));
        }
        if (source.EndsWith(".parquet", StringComparison.Ordinal))
        {
            await GeoParquetRoundTripTests.WriteAsync(file, await GeoParquetRoundTripTests.ReadAsync(Fixtures.PathOf(source)));
            return (file, null);
        }
        await GeoParquetRoundTripTests.WriteAsync(file, Fixtures.LoadItems(source));
        return (file, SourceJson(Fixtures.PathOf(source)));
    }

    /// <summary>
    /// Real-shaped Items cycled from stac-geoparquet fixtures, each with its own id, datetime
    /// and shifted bbox, in datetime order so that row groups cover distinct ranges and a filter
    /// really skips some of them.
    /// </summary>
    internal static IEnumerable<string> GenerateItems(int count)
    {
        // Two collections with few assets keep the column count (and DuckDB's time) small; one has start/end_datetime.
        var templates = new[] { "naip-pc.json", "3dep-lidar-copc-pc.json" }.Select(f => Fixtures.PathOf($"stac-geoparquet/{f}"))
            .SelectMany(f => JsonNode.Parse(File.ReadAllText(f))!.AsArray().Select(n => n!.ToJsonString())).ToList();
        var items = new List<(DateTimeOffset, string)>();
        for (var n = 0; n < count; n++)
        {
            var item = JsonNode.Parse(templates[n % templates.Count])!.AsObject();
            var k = n / templates.Count;
            item["id"] = $"{item["id"]}-{n:D9}";
            var properties = item["properties"]!.AsObject();
            var time = ParseTime(properties["datetime"]?.GetValue<string>() ?? properties["start_datetime"]!.GetValue<string>())
                .AddMinutes(k * 7);
            if (properties["datetime"] is not null)
            {
                properties["datetime"] = time.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture);
            }
            if (item["bbox"] is JsonArray bbox)
            {
                var shift = (k % 100) * 0.001;
                int[] xs = bbox.Count == 6 ? [0, 3] : [0, 2];
                item["bbox"] = new JsonArray(bbox.Select((v, i) => (JsonNode?)JsonValue.Create(v!.GetValue<double>() + (xs.Contains(i) ? shift : 0))).ToArray());
            }
            items.Add((time, item.ToJsonString()));
        }
        return items.OrderBy(i => i.Item1).Select(i => i.Item2);
    }

    private static List<JsonElement> SourceJson(string path)
    {
        if (path.EndsWith(".ndjson", StringComparison.Ordinal))
        {
            return File.ReadLines(path).Where(l => l.Trim().Length > 0).Select(l => JsonDocument.Parse(l).RootElement.Clone()).ToList();
        }
        var root = JsonDocument.Parse(File.ReadAllText(path)).RootElement.Clone();
        return root.ValueKind == JsonValueKind.Array ? root.EnumerateArray().ToList()
            : root.TryGetProperty("features", out var features) ? features.EnumerateArray().ToList()
            : [root];
    }

    /// <summary>
    /// For every column chunk with statistics, the least and greatest value DuckDB reads in that row
    /// group lie within the statistics DuckDB decodes from the footer (typed by DuckDB: a timestamp
    /// statistic is compared as a timestamp).
    /// </summary>
    private static void AssertStatisticsBoundTheValues(string file)
    {
        var chunks = DuckDb.Query(
            $"SELECT DISTINCT column_id, path_in_schema FROM parquet_metadata({file}) " +
            "WHERE stats_min_value IS NOT NULL OR stats_min IS NOT NULL ORDER BY column_id");
        Assert.NotEmpty(chunks);
        var leaves = chunks.Select(r => (Id: r.GetProperty("column_id").GetInt32(),
            Values: Gather(r.GetProperty("path_in_schema").GetString()!.Split(", ")))).ToList();
        Assert.Contains(leaves, l => TimestampColumns.Any(t => l.Values == $"[{Quote(t)}]"));

        var types = DuckDb.Query($"{NoGeoConversion}SELECT {string.Join(", ", leaves.Select(l => $"typeof(list_min({l.Values})) AS t{l.Id}"))} FROM read_parquet({file}) LIMIT 1")[0];
        var perRowGroup = string.Join(", ", leaves.Select(l => $"min(list_min({l.Values})) AS lo{l.Id}, max(list_max({l.Values})) AS hi{l.Id}"));
        var checks = leaves.SelectMany(l =>
        {
            var type = types.GetProperty($"t{l.Id}").GetString()!;
            type = type == "JSON" ? "VARCHAR" : type;
            return new[] { ("stats_min_value", "lo", ">"), ("stats_min", "lo", ">"), ("stats_max_value", "hi", "<"), ("stats_max", "hi", "<") }
                .Select(c => (Leaf: l.Id, Stat: c.Item1, Type: type, Bound: c.Item2, Op: c.Item3));
        }).ToList();
        // One wide row per row group (a UNION per check is far too slow to plan for thousands of columns).
        var pivot = string.Join(", ", checks.Select(c => $"max({c.Stat}) FILTER (WHERE column_id = {c.Leaf}) AS {c.Stat}{c.Leaf}"));
        var wrong = string.Join(", ", checks.Select(c =>
        {
            var (statistic, actual) = ($"s.{c.Stat}{c.Leaf}", $"a.{c.Bound}{c.Leaf}");
            return $"CASE WHEN {statistic} IS NOT NULL AND (TRY_CAST({statistic} AS {c.Type}) IS NULL OR TRY_CAST({statistic} AS {c.Type}) {c.Op} {actual}) " +
                $"THEN 'column {c.Leaf} {c.Stat} ' || {statistic} || ', value ' || CAST({actual} AS VARCHAR) END";
        }));
        // Row group of each row from the row counts (a join on row ranges is slow with wide rows).
        var sizes = DuckDb.Query($"SELECT DISTINCT row_group_id, row_group_num_rows FROM parquet_metadata({file}) ORDER BY row_group_id")
            .Select(r => r.GetProperty("row_group_num_rows").GetInt64()).ToList();
        var (groupOf, first) = ("CASE", 0L);
        for (var g = 0; g < sizes.Count; g++)
        {
            first += sizes[g];
            groupOf += $" WHEN file_row_number < {first} THEN {g}";
        }
        groupOf += " END";
        var rowGroups = DuckDb.Query(
            $"{NoGeoConversion}CREATE TEMP TABLE actual AS SELECT {groupOf} AS row_group_id, {perRowGroup} FROM read_parquet({file}, file_row_number = true) GROUP BY ALL; " +
            $"CREATE TEMP TABLE stats AS SELECT row_group_id, {pivot} FROM parquet_metadata({file}) GROUP BY row_group_id; " +
            $"SELECT row_group_id, list_filter([{wrong}], x -> x IS NOT NULL) AS wrong FROM stats s JOIN actual a USING (row_group_id) ORDER BY row_group_id",
            TimeSpan.FromMinutes(5));
        Assert.Equal(sizes.Count, rowGroups.Count);
        var violations = rowGroups.SelectMany(r => r.GetProperty("wrong").EnumerateArray()
            .Select(w => $"row group {r.GetProperty("row_group_id")}: {w.GetString()}")).ToList();
        Assert.True(violations.Count == 0, "statistics that do not bound their values:\n" + string.Join("\n", violations.Take(20)));
    }

    /// <summary>A DuckDB list of every value a Parquet leaf path holds in a row (lists flattened).</summary>
    private static string Gather(string[] path)
    {
        static string Walk(string value, ReadOnlySpan<string> rest, int depth)
        {
            if (rest.IsEmpty)
            {
                return $"[{value}]";
            }
            if (rest.Length >= 2 && rest[0] == "list" && rest[1] == "element")
            {
                return $"flatten(list_transform({value}, x{depth} -> {Walk($"x{depth}", rest[2..], depth + 1)}))";
            }
            return Walk($"struct_extract({value}, {DuckDb.Literal(rest[0])})", rest[1..], depth);
        }
        return Walk(Quote(path[0]), path.AsSpan(1), 0);
    }

    private static string Quote(string name) => "\"" + name.Replace("\"", "\"\"") + "\"";

    /// <summary>
    /// Range predicates (both sides of the median) on the timestamps, the bbox covering columns, a
    /// number and a string property, each with its count in the source JSON (null for a Parquet source).
    /// </summary>
    private static List<(string Sql, long? Expected)> Predicates(string file, Dictionary<string, string> columns, List<JsonElement>? items)
    {
        // Each column as SQL, and how to read an Item's value from the JSON as a comparable.
        var targets = new List<(string Sql, Func<JsonElement, IComparable?> Value)>();
        foreach (var name in TimestampColumns.Where(columns.ContainsKey))
        {
            targets.Add((Quote(name), i => Property(i, name) is { ValueKind: JsonValueKind.String } v ? ParseTime(v.GetString()!) : null));
        }
        string[] corners = ["xmin", "ymin", "xmax", "ymax"];
        for (var c = 0; c < corners.Length; c++)
        {
            var corner = c;
            targets.Add(($"bbox.{corners[c]}", i => BboxCorner(i, corner)));
        }
        var properties = columns.Where(c => !CoreColumns.Contains(c.Key) && !TimestampColumns.Contains(c.Key) && c.Key != GeometryMembers.Column
            && (items is null || items.Any(i => Property(i, c.Key) is not null))).ToList();
        if (MostDistinct(file, properties.Where(c => c.Value is "DOUBLE" or "BIGINT").Select(c => c.Key)
            .Where(name => items is null || items.All(i => Property(i, name) is not { } v || v.ValueKind is JsonValueKind.Number or JsonValueKind.Null))) is { } number)
        {
            targets.Add((Quote(number), i => Property(i, number) is { ValueKind: JsonValueKind.Number } v ? v.GetDouble() : null));
        }
        if (MostDistinct(file, properties.Where(c => c.Value == "VARCHAR").Select(c => c.Key)
            .Where(name => items is null || items.All(i => Property(i, name) is not { } v || v.ValueKind is JsonValueKind.String or JsonValueKind.Null))) is { } text)
        {
            targets.Add((Quote(text), i => Property(i, text) is { ValueKind: JsonValueKind.String } v ? new Utf8(v.GetString()!) : null));
        }

        var medians = DuckDb.Query($"{NoGeoConversion}SELECT {string.Join(", ", targets.Select((t, i) => $"quantile_disc({t.Sql}, 0.5) AS m{i}"))} FROM read_parquet({file})")[0];
        var predicates = new List<(string, long?)>();
        for (var t = 0; t < targets.Count; t++)
        {
            var median = medians.GetProperty($"m{t}");
            var isTime = t < TimestampColumns.Count(columns.ContainsKey);
            var (sql, threshold) = median.ValueKind switch
            {
                JsonValueKind.Null => (null, null),
                JsonValueKind.Number => (median.GetRawText(), (IComparable?)median.GetDouble()),
                _ when isTime => ($"TIMESTAMPTZ '{median.GetString()}'", ParseTime(median.GetString()!)),
                _ => (DuckDb.Literal(median.GetString()!), new Utf8(median.GetString()!)),
            };
            if (sql is null)
            {
                continue;
            }
            var values = items?.Select(targets[t].Value).Where(v => v is not null).ToList();
            predicates.Add(($"{targets[t].Sql} >= {sql}", values?.Count(v => v!.CompareTo(threshold) >= 0)));
            predicates.Add(($"{targets[t].Sql} < {sql}", values?.Count(v => v!.CompareTo(threshold) < 0)));
        }
        return predicates;
    }

    /// <summary>Text ordered as Parquet and DuckDB order it: by UTF-8 bytes.</summary>
    private sealed class Utf8(string text) : IComparable
    {
        private readonly byte[] _bytes = Encoding.UTF8.GetBytes(text);

        public int CompareTo(object? other) => _bytes.AsSpan().SequenceCompareTo(((Utf8)other!)._bytes);
    }

    private static string? MostDistinct(string file, IEnumerable<string> names)
    {
        var candidates = names.Order(StringComparer.Ordinal).ToList();
        if (candidates.Count == 0) return null;
        var row = DuckDb.Query($"{NoGeoConversion}SELECT {string.Join(", ", candidates.Select((n, i) => $"count(DISTINCT {Quote(n)}) AS c{i}"))} FROM read_parquet({file})")[0];
        return candidates.Select((n, i) => (n, count: row.GetProperty($"c{i}").GetInt64())).MaxBy(c => c.count).n;
    }

    private static JsonElement? Property(JsonElement item, string name) =>
        item.GetProperty("properties").TryGetProperty(name, out var value) ? value : null;

    private static double? BboxCorner(JsonElement item, int corner)
    {
        if (!item.TryGetProperty("bbox", out var bbox) || bbox.ValueKind != JsonValueKind.Array) return null;
        var three = bbox.GetArrayLength() == 6;
        int[] index = three ? [0, 1, 3, 4] : [0, 1, 2, 3];
        return bbox[index[corner]].GetDouble();
    }

    /// <summary>An RFC 3339 time at microsecond precision, as our files keep it (digits beyond the 6th dropped).</summary>
    private static DateTimeOffset ParseTime(string text)
    {
        var trimmed = Regex.Replace(text, @"(\.\d{6})\d+", "$1");
        var time = DateTimeOffset.Parse(trimmed, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal);
        return time.AddTicks(-(time.Ticks % 10));
    }
}
