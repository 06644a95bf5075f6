using Parquet.Schema;
using StacPkg.Core.Json;

namespace StacPkg.Core.GeoParquet;

/// <summary>
/// Second pass of the writer: the settled STAC GeoParquet schema, as Parquet.Net fields and as
/// shredding nodes that turn one Item's JSON into levels on every leaf column.
/// </summary>
internal sealed class ItemWriteSchema
{
    private readonly List<(ShredNode Node, bool FromProperties)> _columns = new();

    public ItemWriteSchema(ItemSchemaInference inference)
    {
        var fields = new List<Field>();
        void AddColumn(string name, ColumnType type, bool fromProperties)
        {
            var (node, field) = Build(name, type, 0, 0, [name]);
            _columns.Add((node, fromProperties));
            fields.Add(field);
        }

        AddColumn("type", Leaf(ColumnKind.String), false);
        AddColumn("stac_version", Leaf(ColumnKind.String), false);
        AddColumn("stac_extensions", ListOf(Leaf(ColumnKind.String)), false);
        AddColumn("id", Leaf(ColumnKind.String), false);
        AddColumn("geometry", Leaf(ColumnKind.Binary), false);
        AddColumn("bbox", BboxType(inference.HasZBbox), false);
        inference.Links.Seal();
        AddColumn("links", inference.Links, false);
        inference.Assets.Seal();
        AddColumn("assets", inference.Assets, false);
        AddColumn("collection", Leaf(ColumnKind.String), false);
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

    /// <summary>Adds one Item (its JSON form) as a row.</summary>
    public void Shred(JsonMap item)
    {
        var properties = item.Get("properties") as JsonMap;
        foreach (var (node, fromProperties) in _columns)
        {
            var value = fromProperties ? properties?.Get(node.Name) : item.Get(node.Name);
            if (node.Name == "bbox" && !fromProperties && value is List<object?> bbox)
            {
                value = BboxStruct(bbox);
            }
            node.Shred(value, 0);
        }
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
