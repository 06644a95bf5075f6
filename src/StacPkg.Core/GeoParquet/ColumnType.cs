using StacPkg.Core.Json;

namespace StacPkg.Core.GeoParquet;

/// <summary>
/// The inferred type of one column (or nested field): the union over every value seen. Numbers
/// widen from Int to Double; geometries (top-level properties only) are WKB; any other disagreement turns the column into <see cref="ColumnKind.Json"/>
/// so that every value is still kept.
/// </summary>
internal sealed class ColumnType
{
    private FieldIndex? _fieldIndex;

    public ColumnType(ColumnKind kind) => Kind = kind;

    public ColumnKind Kind { get; private set; }

    public static ColumnType ListOf(ColumnType element) => new(ColumnKind.List) { Element = element };

    public static ColumnType StructOf(IEnumerable<string> names, ColumnKind fieldKind)
    {
        var type = new ColumnType(ColumnKind.Struct);
        foreach (var name in names)
        {
            type.Field(name).Kind = fieldKind;
        }
        return type;
    }

    /// <summary>Struct fields in first-seen order.</summary>
    public List<KeyValuePair<string, ColumnType>> Fields { get; } = new();

    public ColumnType? Element { get; private set; }

    public ColumnType Field(string name)
    {
        _fieldIndex ??= new FieldIndex();
        var index = _fieldIndex.IndexOf(name);
        if (index < 0)
        {
            index = _fieldIndex.Add(name);
            Fields.Add(new(name, new ColumnType(ColumnKind.Null)));
        }
        return Fields[index].Value;
    }

    /// <summary>
    /// Widens this type so that it can hold the <see cref="BinaryJson"/> value at <paramref name="position"/>
    /// (an Item record's), moving <paramref name="position"/> past it.
    /// </summary>
    public void Merge(ReadOnlySpan<byte> data, ref int position, KeyCache keys)
    {
        var tag = data[position];
        if (tag == BinaryJson.Null || Kind == ColumnKind.Json)
        {
            BinaryJson.Skip(data, ref position);
            return;
        }
        switch (tag)
        {
            case BinaryJson.Object:
                if (!Become(ColumnKind.Struct))
                {
                    BinaryJson.Skip(data, ref position);
                    return;
                }
                position++;
                var members = BinaryJson.ReadCount(data, ref position);
                _fieldIndex ??= new FieldIndex();
                _fieldIndex.Restart();
                for (var i = 0; i < members; i++)
                {
                    var name = BinaryJson.ReadBytes(data, ref position);
                    var index = _fieldIndex.Find(name, keys);
                    (index >= 0 ? Fields[index].Value : Field(keys.Get(name))).Merge(data, ref position, keys);
                }
                return;
            case BinaryJson.Array:
                if (!Become(ColumnKind.List))
                {
                    BinaryJson.Skip(data, ref position);
                    return;
                }
                position++;
                var count = BinaryJson.ReadCount(data, ref position);
                Element ??= new ColumnType(ColumnKind.Null);
                for (var i = 0; i < count; i++)
                {
                    Element.Merge(data, ref position, keys);
                }
                return;
            case BinaryJson.String:
                Become(ColumnKind.String);
                break;
            case BinaryJson.True or BinaryJson.False:
                Become(ColumnKind.Bool);
                break;
            case BinaryJson.Long:
                if (Kind != ColumnKind.Double)
                {
                    Become(ColumnKind.Int);
                }
                break;
            case BinaryJson.Double:
                if (Kind == ColumnKind.Int)
                {
                    Kind = ColumnKind.Double;
                }
                Become(ColumnKind.Double);
                break;
        }
        BinaryJson.Skip(data, ref position);
    }

    /// <summary>
    /// Widens this type to hold a GeoJSON geometry stored as WKB (<see cref="ColumnKind.Binary"/>);
    /// false when other values already made it JSON text, or do now.
    /// </summary>
    public bool MergeGeometry() => Kind != ColumnKind.Json && Become(ColumnKind.Binary);

    /// <summary>Takes <paramref name="kind"/> when still untyped; on a conflict becomes Json and says so.</summary>
    private bool Become(ColumnKind kind)
    {
        if (Kind == kind)
        {
            return true;
        }
        if (Kind == ColumnKind.Null)
        {
            Kind = kind;
            return true;
        }
        Kind = ColumnKind.Json;
        Fields.Clear();
        _fieldIndex = null;
        Element = null;
        return false;
    }

    /// <summary>
    /// Settles what inference left open: only-null columns, structs without fields and structs with a
    /// field named "" have no Parquet form, so they are kept as JSON text.
    /// </summary>
    public void Seal()
    {
        switch (Kind)
        {
            case ColumnKind.Null:
                Kind = ColumnKind.Json;
                break;
            // A field named "" has no column path a reader can find (Parquet.Net refuses the file), so
            // such a struct is kept as JSON text like one without fields.
            case ColumnKind.Struct when Fields.Count == 0 || Fields.Exists(f => f.Key.Length == 0):
                Kind = ColumnKind.Json;
                break;
            case ColumnKind.Struct:
                foreach (var field in Fields)
                {
                    field.Value.Seal();
                }
                break;
            case ColumnKind.List:
                Element!.Seal();
                break;
        }
    }
}
