using Parquet.Meta;
using Parquet.Schema;

namespace StacPkg.Core.GeoParquet;

/// <summary>
/// The read tree of a Parquet file, built from its raw schema elements so that definition and
/// repetition levels are exact for files from any writer: three-level lists under any names,
/// legacy two-level and bare repeated fields, and maps.
/// </summary>
internal sealed class ReadSchema
{
    private ReadSchema(List<ReadNode> columns, List<ReadLeaf> leaves)
    {
        Columns = columns;
        Leaves = leaves;
    }

    /// <summary>Top-level columns in file order.</summary>
    public IReadOnlyList<ReadNode> Columns { get; }

    public IReadOnlyList<ReadLeaf> Leaves { get; }

    public static ReadSchema Create(List<SchemaElement> elements, IReadOnlyList<DataField> dataFields)
    {
        var index = 1;
        var columns = new List<ReadNode>();
        var root = elements[0];
        for (var c = 0; c < (root.NumChildren ?? 0); c++)
        {
            columns.Add(Parse(elements, ref index, 0, 0, []));
        }
        var leaves = columns.SelectMany(c => c.Leaves).ToList();
        if (leaves.Count != dataFields.Count)
        {
            throw new InvalidDataException($"the file's schema has {leaves.Count} leaf columns but the reader sees {dataFields.Count}");
        }
        for (var i = 0; i < leaves.Count; i++)
        {
            leaves[i].Field = dataFields[i];
        }
        return new ReadSchema(columns, leaves);
    }

    private static ReadNode Parse(List<SchemaElement> elements, ref int index, int parentDefinition, int parentRepetition, string[] parentPath)
    {
        var element = elements[index++];
        var path = (string[])[.. parentPath, element.Name];
        var repeated = element.RepetitionType == FieldRepetitionType.REPEATED;
        var definition = parentDefinition + (element.RepetitionType == FieldRepetitionType.REQUIRED ? 0 : 1);
        var repetition = parentRepetition + (repeated ? 1 : 0);
        var childCount = element.NumChildren ?? 0;

        if (repeated)
        {
            // A repeated field outside a LIST annotation is itself a list of required elements.
            var item = childCount == 0
                ? new ReadLeaf(element.Name, definition, path)
                : (ReadNode)ParseStruct(elements, ref index, element.Name, childCount, definition, repetition, path);
            return new ReadList(element.Name, parentDefinition, definition, repetition, item, isMap: false);
        }
        if (childCount == 0)
        {
            return new ReadLeaf(element.Name, definition, path);
        }
        var isList = element.ConvertedType == ConvertedType.LIST || element.LogicalType?.LIST is not null;
        var isMap = element.ConvertedType is ConvertedType.MAP or ConvertedType.MAP_KEY_VALUE || element.LogicalType?.MAP is not null;
        if ((isList || isMap) && childCount == 1)
        {
            var group = elements[index];
            var groupDefinition = definition + 1;
            var groupRepetition = parentRepetition + 1;
            var groupPath = (string[])[.. path, group.Name];
            var groupChildren = group.NumChildren ?? 0;
            ReadNode item;
            if (groupChildren == 0)
            {
                index++;
                item = new ReadLeaf(group.Name, groupDefinition, groupPath);
            }
            else if (isMap || groupChildren > 1 || group.Name == "array" || group.Name == element.Name + "_tuple")
            {
                // The repeated group is the element itself (a struct, or a map's key/value pair).
                index++;
                item = ParseStruct(elements, ref index, group.Name, groupChildren, groupDefinition, groupRepetition, groupPath);
            }
            else
            {
                index++;
                item = Parse(elements, ref index, groupDefinition, groupRepetition, groupPath);
            }
            return new ReadList(element.Name, definition, groupDefinition, groupRepetition, item, isMap);
        }
        return ParseStruct(elements, ref index, element.Name, childCount, definition, parentRepetition, path);
    }

    private static ReadStruct ParseStruct(List<SchemaElement> elements, ref int index, string name, int childCount, int definition, int repetition, string[] path)
    {
        var children = new ReadNode[childCount];
        for (var i = 0; i < childCount; i++)
        {
            children[i] = Parse(elements, ref index, definition, repetition, path);
        }
        return new ReadStruct(name, definition, children);
    }
}
