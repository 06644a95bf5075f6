using System.Text;
using StacPkg.Core.Json;

namespace StacPkg.Core.GeoParquet;

/// <summary>
/// Finds a field (of a schema, a struct, the properties seen) by the UTF-8 name of a record member.
/// Members nearly always come in the order the fields were first seen, so the field after the last
/// one found is tried first, by its bytes: no string is made and nothing is hashed unless that guess misses.
/// </summary>
internal sealed class FieldIndex
{
    private readonly List<byte[]> _names = new();
    private readonly Dictionary<string, int> _index = new(StringComparer.Ordinal);
    private int _next;

    public FieldIndex() { }

    public FieldIndex(IEnumerable<string> names)
    {
        foreach (var name in names)
        {
            Add(name);
        }
    }

    /// <summary>Adds a field after the others; returns its index.</summary>
    public int Add(string name)
    {
        _index.Add(name, _names.Count);
        _names.Add(Encoding.UTF8.GetBytes(name));
        _next = _names.Count;
        return _names.Count - 1;
    }

    /// <summary>The index of the field <paramref name="name"/>, or -1.</summary>
    public int IndexOf(string name) => _index.TryGetValue(name, out var index) ? index : -1;

    /// <summary>Starts the members of another object.</summary>
    public void Restart() => _next = 0;

    /// <summary>The index of the field named <paramref name="name"/>, or -1 when there is none.</summary>
    public int Find(ReadOnlySpan<byte> name, KeyCache keys)
    {
        var next = _next;
        if (next < _names.Count && name.SequenceEqual(_names[next]))
        {
            _next = next + 1;
            return next;
        }
        if (!_index.TryGetValue(keys.Get(name), out var index))
        {
            return -1;
        }
        _next = index + 1;
        return index;
    }
}
