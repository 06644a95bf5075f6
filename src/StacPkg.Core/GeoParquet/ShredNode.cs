using StacPkg.Core.Json;

namespace StacPkg.Core.GeoParquet;

/// <summary>
/// One field of the write schema, turning values into Dremel definition/repetition levels on its
/// leaf columns. Every field is optional; a list adds a repeated level.
/// </summary>
internal abstract class ShredNode
{
    protected ShredNode(string name, int definitionLevel)
    {
        Name = name;
        DefinitionLevel = definitionLevel;
    }

    public string Name { get; }

    /// <summary>The definition level reached when this field is non-null.</summary>
    public int DefinitionLevel { get; }

    /// <summary>Every leaf column below (or at) this field, in schema order.</summary>
    public abstract IReadOnlyList<LeafColumn> Leaves { get; }

    /// <param name="value">The field's value, or null when absent.</param>
    /// <param name="repetitionLevel">Repetition level of the first entry this value writes.</param>
    public abstract void Shred(object? value, int repetitionLevel);

    /// <summary>As <see cref="Shred"/>, for a value in <see cref="BinaryJson"/> form, moving <paramref name="position"/> past it.</summary>
    public abstract void ShredBinary(ReadOnlySpan<byte> data, ref int position, int repetitionLevel, ShredContext context);

    // Most fields of a wide schema are absent from a given Item: walked as an array, not through the interface.
    private LeafColumn[]? _leafArray;

    /// <summary>Records a null (or an empty list) at <paramref name="definitionLevel"/> on every leaf.</summary>
    protected void ShredAbsent(int repetitionLevel, int definitionLevel)
    {
        var leaves = _leafArray ??= [.. Leaves];
        for (var i = 0; i < leaves.Length; i++)
        {
            leaves[i].AddLevels(repetitionLevel, definitionLevel);
        }
    }
}

internal sealed class StructNode : ShredNode
{
    private readonly ShredNode[] _children;
    private readonly LeafColumn[] _leaves;

    private readonly FieldIndex _childIndex;
    private readonly int[] _seen;
    private int _stamp;

    public StructNode(string name, int definitionLevel, ShredNode[] children) : base(name, definitionLevel)
    {
        _children = children;
        _leaves = children.SelectMany(c => c.Leaves).ToArray();
        _childIndex = new FieldIndex(children.Select(c => c.Name));
        _seen = new int[children.Length];
    }

    public IReadOnlyList<ShredNode> Children => _children;

    public override IReadOnlyList<LeafColumn> Leaves => _leaves;

    public override void Shred(object? value, int repetitionLevel)
    {
        if (value is not JsonMap map)
        {
            ShredAbsent(repetitionLevel, DefinitionLevel - 1);
            return;
        }
        foreach (var child in _children)
        {
            child.Shred(map.Get(child.Name), repetitionLevel);
        }
    }

    public override void ShredBinary(ReadOnlySpan<byte> data, ref int position, int repetitionLevel, ShredContext context)
    {
        if (data[position] != BinaryJson.Object)
        {
            BinaryJson.Skip(data, ref position);
            ShredAbsent(repetitionLevel, DefinitionLevel - 1);
            return;
        }
        position++;
        var members = BinaryJson.ReadCount(data, ref position);
        // Members come in the Item's order; leaves are independent level streams, so any order works.
        var stamp = ++_stamp;
        _childIndex.Restart();
        for (var i = 0; i < members; i++)
        {
            var index = _childIndex.Find(BinaryJson.ReadBytes(data, ref position), context.Keys);
            if (index >= 0)
            {
                _seen[index] = stamp;
                _children[index].ShredBinary(data, ref position, repetitionLevel, context);
            }
            else
            {
                BinaryJson.Skip(data, ref position);
            }
        }
        for (var i = 0; i < _children.Length; i++)
        {
            if (_seen[i] != stamp)
            {
                _children[i].Shred(null, repetitionLevel);
            }
        }
    }
}

internal sealed class ListNode : ShredNode
{
    private readonly ShredNode _element;
    private readonly int _repetitionLevel;

    /// <param name="definitionLevel">Level of a non-null list; a non-empty list is one more, its element's is one more again.</param>
    public ListNode(string name, int definitionLevel, int repetitionLevel, ShredNode element) : base(name, definitionLevel)
    {
        _element = element;
        _repetitionLevel = repetitionLevel;
    }

    public override IReadOnlyList<LeafColumn> Leaves => _element.Leaves;

    public override void Shred(object? value, int repetitionLevel)
    {
        if (value is not List<object?> list)
        {
            ShredAbsent(repetitionLevel, DefinitionLevel - 1);
            return;
        }
        if (list.Count == 0)
        {
            ShredAbsent(repetitionLevel, DefinitionLevel);
            return;
        }
        for (var i = 0; i < list.Count; i++)
        {
            _element.Shred(list[i], i == 0 ? repetitionLevel : _repetitionLevel);
        }
    }

    public override void ShredBinary(ReadOnlySpan<byte> data, ref int position, int repetitionLevel, ShredContext context)
    {
        if (data[position] != BinaryJson.Array)
        {
            BinaryJson.Skip(data, ref position);
            ShredAbsent(repetitionLevel, DefinitionLevel - 1);
            return;
        }
        position++;
        var count = BinaryJson.ReadCount(data, ref position);
        if (count == 0)
        {
            ShredAbsent(repetitionLevel, DefinitionLevel);
            return;
        }
        for (var i = 0; i < count; i++)
        {
            _element.ShredBinary(data, ref position, i == 0 ? repetitionLevel : _repetitionLevel, context);
        }
    }
}
