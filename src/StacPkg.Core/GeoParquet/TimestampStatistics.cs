using System.Buffers.Binary;

namespace StacPkg.Core.GeoParquet;

/// <summary>
/// Parquet.Net 6.1 writes the min/max statistics of TIMESTAMP(MICROS) columns as milliseconds
/// (aloneguid/parquet-dotnet#769), so readers that skip row groups by statistics (DuckDB, Arrow)
/// drop every row of a filtered query. This keeps the true range of each timestamp column chunk and,
/// once the file is complete, overwrites those statistics in place, in the footer and in the page
/// headers. The values keep their 8-byte width, so no offset in the file moves.
/// </summary>
internal sealed class TimestampStatistics
{
    // Field ids of parquet.thrift.
    private const short FileRowGroups = 4, RowGroupColumns = 1, ChunkMetaData = 3;
    private const short MetaTotalCompressedSize = 7, MetaDataPageOffset = 9, MetaDictionaryPageOffset = 11, MetaStatistics = 12;
    private const short PageCompressedSize = 3, PageDataHeader = 5, PageDataHeaderV2 = 8;
    private const short DataHeaderStatistics = 5, DataHeaderV2Statistics = 8;
    private static readonly short[] StatisticsValues = [1, 2, 5, 6]; // max, min, max_value, min_value

    /// <summary>Page headers are small; a timestamp chunk's header holds two 8-byte values.</summary>
    private const int MaxPageHeader = 4096;

    private readonly List<Dictionary<int, (long Min, long Max)>> _rowGroups = [];

    /// <summary>Records the range of every timestamp chunk of the next row group (chunks in column order).</summary>
    public void AddRowGroup(IReadOnlyList<(LeafColumn Leaf, ColumnChunk Chunk)> chunks)
    {
        var ranges = new Dictionary<int, (long, long)>();
        for (var column = 0; column < chunks.Count; column++)
        {
            if (chunks[column].Leaf.Kind == ColumnKind.Timestamp && chunks[column].Chunk.TimestampRange() is { } range)
            {
                ranges[column] = range;
            }
        }
        _rowGroups.Add(ranges);
    }

    /// <summary>Rewrites the timestamp statistics of the complete Parquet file in <paramref name="file"/>.</summary>
    public void Correct(Stream file)
    {
        if (_rowGroups.All(r => r.Count == 0))
        {
            return;
        }
        var tail = new byte[8];
        file.Position = file.Length - 8;
        file.ReadExactly(tail);
        var footerLength = BinaryPrimitives.ReadInt32LittleEndian(tail);
        var footerStart = file.Length - 8 - footerLength;
        var footer = new byte[footerLength];
        file.Position = footerStart;
        file.ReadExactly(footer);

        var position = 0;
        var metadata = ThriftNode.ReadStruct(footer, ref position);
        var rowGroups = metadata.Field(FileRowGroups)?.Items ?? [];
        if (rowGroups.Count != _rowGroups.Count)
        {
            throw new InvalidDataException($"the file has {rowGroups.Count} row groups, {_rowGroups.Count} were written");
        }
        for (var r = 0; r < rowGroups.Count; r++)
        {
            var columns = rowGroups[r].Field(RowGroupColumns)?.Items ?? [];
            foreach (var (column, (min, max)) in _rowGroups[r])
            {
                var chunk = columns[column].Field(ChunkMetaData)
                    ?? throw new InvalidDataException($"row group {r} column {column} has no metadata");
                if (chunk.Field(MetaStatistics) is { } statistics)
                {
                    Overwrite(footer, statistics, min, max);
                }
                CorrectPageHeaders(file, chunk, min, max);
            }
        }
        file.Position = footerStart;
        file.Write(footer);
    }

    private static void CorrectPageHeaders(Stream file, ThriftNode chunk, long min, long max)
    {
        var start = chunk.Field(MetaDictionaryPageOffset)?.Integer ?? chunk.Field(MetaDataPageOffset)!.Integer;
        var end = start + chunk.Field(MetaTotalCompressedSize)!.Integer;
        var buffer = new byte[MaxPageHeader];
        for (var page = start; page < end;)
        {
            var length = (int)Math.Min(buffer.Length, end - page);
            file.Position = page;
            file.ReadExactly(buffer, 0, length);
            var position = 0;
            var header = ThriftNode.ReadStruct(buffer.AsSpan(0, length), ref position);
            var statistics = header.Field(PageDataHeader)?.Field(DataHeaderStatistics)
                ?? header.Field(PageDataHeaderV2)?.Field(DataHeaderV2Statistics);
            if (statistics is not null)
            {
                Overwrite(buffer, statistics, min, max);
                file.Position = page;
                file.Write(buffer, 0, position);
            }
            page += position + header.Field(PageCompressedSize)!.Integer;
        }
    }

    private static void Overwrite(byte[] buffer, ThriftNode statistics, long min, long max)
    {
        foreach (var id in StatisticsValues)
        {
            if (statistics.Field(id) is not { } value)
            {
                continue;
            }
            if (value.Length != sizeof(long))
            {
                throw new InvalidDataException($"a timestamp statistic has {value.Length} bytes, not 8");
            }
            // Odd ids are maxima (max, max_value), even ids minima.
            BinaryPrimitives.WriteInt64LittleEndian(buffer.AsSpan(value.Offset, sizeof(long)), id % 2 == 1 ? max : min);
        }
    }
}
