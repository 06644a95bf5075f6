using StacPkg.Core.Json;

namespace StacPkg.Core.GeoParquet;

/// <summary>
/// One field of a Parquet file being read, assembling values for a row back from the Dremel
/// levels of its leaf columns. Null struct fields are left out of the assembled object, which is
/// how an Item that lacks an asset or property another Item has comes back without it.
/// </summary>
internal abstract class ReadNode
{
    private readonly byte[] _nameUtf8;

    protected ReadNode(string name, int definitionLevel)
    {
        Name = name;
        _nameUtf8 = System.Text.Encoding.UTF8.GetBytes(name);
        DefinitionLevel = definitionLevel;
    }

    public string Name { get; }

    /// <summary>The definition level reached when this field is non-null.</summary>
    public int DefinitionLevel { get; }

    public abstract IReadOnlyList<ReadLeaf> Leaves { get; }

    /// <summary>Whether this field's next value is null.</summary>
    public bool IsNull => Leaves[0].CurrentDefinition < DefinitionLevel;

    /// <summary>Whether a value that is not null can still read as null (JSON text "null").</summary>
    protected virtual bool MayReadNull => false;

    /// <summary>Reads this field's next value (null when it is null) and advances past it.</summary>
    public object? Read()
    {
        if (IsNull)
        {
            Skip();
            return null;
        }
        return ReadDefined();
    }

    /// <summary>Writes the value <see cref="Read"/> gives as <see cref="BinaryJson"/>, without building it where the field allows.</summary>
    public virtual void ReadBinary(BinaryJsonBuffer output) => BinaryJson.Write(output, Read());

    /// <summary>
    /// Writes this field as an object member (name, then value) unless its next value is null, as
    /// <see cref="ReadStruct"/> leaves null fields out; advances past it either way. True when written.
    /// </summary>
    public bool ReadMember(BinaryJsonBuffer output)
    {
        if (IsNull)
        {
            Skip();
            return false;
        }
        if (MayReadNull)
        {
            if (Read() is not { } value)
            {
                return false;
            }
            output.WriteUtf8(_nameUtf8);
            BinaryJson.Write(output, value);
            return true;
        }
        output.WriteUtf8(_nameUtf8);
        ReadBinary(output);
        return true;
    }

    protected abstract object? ReadDefined();

    /// <summary>Steps over one null (or empty) entry on every leaf below.</summary>
    protected void Skip()
    {
        foreach (var leaf in Leaves)
        {
            leaf.Advance();
        }
    }
}

internal sealed class ReadStruct : ReadNode
{
    private readonly ReadNode[] _children;
    private readonly ReadLeaf[] _leaves;

    public ReadStruct(string name, int definitionLevel, ReadNode[] children) : base(name, definitionLevel)
    {
        _children = children;
        _leaves = children.SelectMany(c => c.Leaves).ToArray();
    }

    public IReadOnlyList<ReadNode> Children => _children;

    public override IReadOnlyList<ReadLeaf> Leaves => _leaves;

    protected override object? ReadDefined()
    {
        var map = new JsonMap(_children.Length);
        foreach (var child in _children)
        {
            var value = child.Read();
            if (value is not null)
            {
                map[child.Name] = value;
            }
        }
        return map;
    }

    public override void ReadBinary(BinaryJsonBuffer output)
    {
        if (IsNull)
        {
            Skip();
            output.WriteByte(BinaryJson.Null);
            return;
        }
        output.WriteByte(BinaryJson.Object);
        var at = output.ReserveCount();
        var count = 0;
        foreach (var child in _children)
        {
            count += child.ReadMember(output) ? 1 : 0;
        }
        output.PatchCount(at, count);
    }
}

internal sealed class ReadList : ReadNode
{
    private readonly ReadNode _element;
    private readonly int _nonEmptyDefinitionLevel;
    private readonly int _repetitionLevel;
    private readonly bool _isMap;

    public ReadList(string name, int definitionLevel, int nonEmptyDefinitionLevel, int repetitionLevel, ReadNode element, bool isMap)
        : base(name, definitionLevel)
    {
        _element = element;
        _nonEmptyDefinitionLevel = nonEmptyDefinitionLevel;
        _repetitionLevel = repetitionLevel;
        _isMap = isMap;
    }

    public override IReadOnlyList<ReadLeaf> Leaves => _element.Leaves;

    protected override object? ReadDefined()
    {
        var first = Leaves[0];
        var list = new List<object?>();
        if (first.CurrentDefinition < _nonEmptyDefinitionLevel)
        {
            Skip();
        }
        else
        {
            do
            {
                list.Add(_element.Read());
            }
            while (first.HasCurrent && first.CurrentRepetition == _repetitionLevel);
        }
        return _isMap ? ToMap(list) : list;
    }

    public override void ReadBinary(BinaryJsonBuffer output)
    {
        if (_isMap || IsNull)
        {
            // A map's keys may repeat once made text: it is built as an object, which keeps the last.
            base.ReadBinary(output);
            return;
        }
        output.WriteByte(BinaryJson.Array);
        var at = output.ReserveCount();
        var count = 0;
        var first = Leaves[0];
        if (first.CurrentDefinition < _nonEmptyDefinitionLevel)
        {
            Skip();
        }
        else
        {
            do
            {
                _element.ReadBinary(output);
                count++;
            }
            while (first.HasCurrent && first.CurrentRepetition == _repetitionLevel);
        }
        output.PatchCount(at, count);
    }

    /// <summary>A Parquet MAP comes back as a JSON object keyed by the map's keys.</summary>
    private static JsonMap ToMap(List<object?> entries)
    {
        var map = new JsonMap(entries.Count);
        foreach (var entry in entries)
        {
            if (entry is JsonMap pair && pair.Get("key") is { } key)
            {
                map[JsonValueWriter.ToJson(key, false).Trim('"')] = pair.Get("value");
            }
        }
        return map;
    }
}
