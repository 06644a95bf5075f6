namespace StacPkg.Core.GeoParquet;

/// <summary>
/// One of the writer's shredding workers: a copy of the write schema's shredding nodes with buffers
/// of its own, so that several row groups are shredded at once. Each leaf and the text arena are
/// double-buffered: a row group is shredded while this worker's previous one is still being encoded.
/// </summary>
internal sealed class RowGroupShredder(ItemSchemaInference inference)
{
    private readonly ShredContext _context = new();
    private CharArena _spareStrings = new();

    public ItemWriteSchema Schema { get; } = new(inference);

    /// <summary>
    /// Shreds <paramref name="records"/> into one row group's column chunks, in leaf order. The buffers
    /// of this worker's row group before the previous one must have been encoded.
    /// </summary>
    public ColumnChunk[] Shred(IEnumerable<ArraySegment<byte>> records)
    {
        // The arena of the row group before the previous one is free again.
        _spareStrings.Reset();
        (_context.Strings, _spareStrings) = (_spareStrings, _context.Strings);
        foreach (var record in records)
        {
            Schema.ShredRecord(record, _context);
        }
        var leaves = Schema.Leaves;
        var chunks = new ColumnChunk[leaves.Count];
        for (var i = 0; i < chunks.Length; i++)
        {
            chunks[i] = leaves[i].TakeChunk();
        }
        return chunks;
    }
}
