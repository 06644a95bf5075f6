namespace StacPkg.Core.GeoParquet;

/// <summary>
/// One of the writer's shredding workers: a copy of the write schema's shredding nodes with buffers
/// of its own, so that several row groups are shredded at once.
/// </summary>
internal sealed class RowGroupShredder(ItemSchemaInference inference)
{
    private readonly ShredContext _context = new();

    public ItemWriteSchema Schema { get; } = new(inference);

    /// <summary>
    /// Shreds <paramref name="records"/> into one row group's column chunks, in leaf order. This
    /// worker's previous row group must have been encoded: its buffers are reused.
    /// </summary>
    public ColumnChunk[] Shred(IEnumerable<ArraySegment<byte>> records)
    {
        _context.Strings.Reset();
        foreach (var record in records)
        {
            Schema.ShredRecord(record, _context);
        }
        var leaves = Schema.Leaves;
        var chunks = new ColumnChunk[leaves.Count];
        for (var i = 0; i < chunks.Length; i++)
        {
            chunks[i] = leaves[i].Chunk;
        }
        return chunks;
    }
}
