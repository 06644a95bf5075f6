using Parquet.Schema;
using StacPkg.Core.Json;

namespace StacPkg.Core.GeoParquet;

/// <summary>
/// Second pass of the writer: the settled STAC GeoParquet schema, as Parquet.Net fields and as
/// shredding nodes that turn one Item's JSON into levels on every leaf column.
/// </summary>
internal sealed class ItemWriteSchema
{
    private readonly List<Column> _columns = new();
    private readonly List<Column> _itemColumns = new();
    private readonly List<Column> _propertyColumns = new();
    private readonly FieldIndex _itemIndex;
    private readonly FieldIndex _propertyIndex;
    private readonly Column _geometry;
    private readonly Column _bbox;
    private readonly Column? _geometryMembers;
    private int _stamp;

    /// <summary>A top-level column and the last row that had a value for it.</summary>
    private sealed class Column(ShredNode node)
    {
        public ShredNode Node { get; } = node;
        public int Seen { get; set; }
    }

    public ItemWriteSchema(ItemSchemaInference inference)
    {
        var fields = new List<Field>();
        Column AddColumn(string name, ColumnType type, bool fromProperties)
        {
            var (node, field) = Build(name, type, 0, 0, [name]);
            var column = new Column(node);
            _columns.Add(column);
            (fromProperties ? _propertyColumns : _itemColumns).Add(column);
            fields.Add(field);
            return column;
        }

        AddColumn("type", Leaf(ColumnKind.String), false);
        AddColumn("stac_version", Leaf(ColumnKind.String), false);
        AddColumn("stac_extensions", ListOf(Leaf(ColumnKind.String)), false);
        AddColumn("id", Leaf(ColumnKind.String), false);
        _geometry = AddColumn("geometry", Leaf(ColumnKind.Binary), false);
        _bbox = AddColumn("bbox", BboxType(inference.HasZBbox), false);
        inference.Links.Seal();
        AddColumn("links", inference.Links, false);
        inference.Assets.Seal();
        AddColumn("assets", inference.Assets, false);
        AddColumn("collection", Leaf(ColumnKind.String), false);
        if (inference.HasGeometryMembers)
        {
            _geometryMembers = AddColumn(GeometryMembers.Column, Leaf(ColumnKind.Json), false);
        }
        foreach (var (name, type) in inference.Properties)
        {
            type.Seal();
            AddColumn(name, type, true);
        }
        foreach (var (name, type) in inference.ItemFields)
        {
            type.Seal();
            AddColumn(name, type, false);
        }
        _itemIndex = new FieldIndex(_itemColumns.Select(c => c.Node.Name));
        _propertyIndex = new FieldIndex(_propertyColumns.Select(c => c.Node.Name));
        Schema = new ParquetSchema(fields);
        Leaves = _columns.SelectMany(c => c.Node.Leaves).ToArray();
        JsonColumns = Leaves.Where(l => l.Kind == ColumnKind.Json).Select(l => l.Path).ToArray();
    }

    public ParquetSchema Schema { get; }

    public IReadOnlyList<LeafColumn> Leaves { get; }

    /// <summary>Physical paths of columns holding JSON text (types that conflicted across items).</summary>
    public IReadOnlyList<string[]> JsonColumns { get; }

    /// <summary>Field order of the bbox struct: xmin, ymin, [zmin], xmax, ymax, [zmax] (the order of a 6-number STAC bbox).</summary>
    public static string[] BboxFields(bool hasZ) =>
        hasZ ? ["xmin", "ymin", "zmin", "xmax", "ymax", "zmax"] : ["xmin", "ymin", "xmax", "ymax"];

    /// <summary>Adds one Item, in its spooled <see cref="BinaryJson"/> form, as a row.</summary>
    public void ShredRecord(ReadOnlySpan<byte> record, ShredContext context)
    {
        var stamp = ++_stamp;
        var position = 0;
        if (record[position++] != BinaryJson.Object)
        {
            throw new InvalidDataException("a spooled Item is not an object");
        }
        var members = BinaryJson.ReadCount(record, ref position);
        _itemIndex.Restart();
        for (var i = 0; i < members; i++)
        {
            var key = BinaryJson.ReadBytes(record, ref position);
            if (key.SequenceEqual("properties"u8) && record[position] == BinaryJson.Object)
            {
                position++;
                var properties = BinaryJson.ReadCount(record, ref position);
                _propertyIndex.Restart();
                for (var p = 0; p < properties; p++)
                {
                    ShredColumn(_propertyColumns, _propertyIndex.Find(BinaryJson.ReadBytes(record, ref position), context.Keys), record, ref position, context, stamp);
                }
            }
            else
            {
                ShredColumn(_itemColumns, _itemIndex.Find(key, context.Keys), record, ref position, context, stamp);
            }
        }
        foreach (var column in _columns)
        {
            if (column.Seen != stamp)
            {
                column.Node.Shred(null, 0);
            }
        }
    }

    private void ShredColumn(List<Column> columns, int index, ReadOnlySpan<byte> record, ref int position, ShredContext context, int stamp)
    {
        if (index < 0)
        {
            BinaryJson.Skip(record, ref position);
            return;
        }
        var column = columns[index];
        column.Seen = stamp;
        if (column == _geometry && record[position] == BinaryJson.Object)
        {
            var geometry = (JsonMap)BinaryJson.Read(record, ref position, context.Keys)!;
            column.Node.Shred(geometry, 0);
            if (_geometryMembers is { } members)
            {
                members.Seen = stamp;
                members.Node.Shred(GeometryMembers.Of(geometry), 0);
            }
            return;
        }
        if (column == _bbox && record[position] == BinaryJson.Array)
        {
            // A STAC bbox array becomes the covering struct.
            column.Node.Shred(BboxStruct((List<object?>)BinaryJson.Read(record, ref position, context.Keys)!), 0);
            return;
        }
        column.Node.ShredBinary(record, ref position, 0, context);
    }

    private static JsonMap BboxStruct(List<object?> bbox)
    {
        var names = bbox.Count == 6 ? BboxFields(true) : BboxFields(false);
        var map = new JsonMap(names.Length);
        for (var i = 0; i < names.Length; i++)
        {
            map[names[i]] = bbox[i];
        }
        return map;
    }

    private static ColumnType Leaf(ColumnKind kind) => new(kind);

    private static ColumnType ListOf(ColumnType element) => ColumnType.ListOf(element);

    private static ColumnType BboxType(bool hasZ) => ColumnType.StructOf(BboxFields(hasZ), ColumnKind.Double);

    /// <summary>Builds the shredding node and the Parquet field for one (nested) field.</summary>
    private static (ShredNode Node, Field Field) Build(string name, ColumnType type, int parentDefinition, int parentRepetition, string[] path)
    {
        var definition = parentDefinition + 1;
        switch (type.Kind)
        {
            case ColumnKind.Struct:
                var children = new List<ShredNode>(type.Fields.Count);
                var childFields = new List<Field>(type.Fields.Count);
                foreach (var (childName, childType) in type.Fields)
                {
                    var (childNode, childField) = Build(childName, childType, definition, parentRepetition, [.. path, childName]);
                    children.Add(childNode);
                    childFields.Add(childField);
                }
                return (new StructNode(name, definition, children.ToArray()), new StructField(name, childFields.ToArray()));
            case ColumnKind.List:
                // Three-level list: optional group (LIST) > repeated group "list" > optional "element".
                var repetition = parentRepetition + 1;
                var (elementNode, elementField) = Build(ListField.ElementName, type.Element!, definition + 1, repetition,
                    [.. path, ListField.DefaultContainerName, ListField.ElementName]);
                return (new ListNode(name, definition, repetition, elementNode), new ListField(name, elementField));
            default:
                var leaf = new LeafColumn(name, definition, parentRepetition, type.Kind, path);
                return (leaf, leaf.Field);
        }
    }
}
