using System.Text;
using StacPkg.Core.Json;

namespace StacPkg.Core.GeoParquet;

/// <summary>
/// Finds a schema field by the UTF-8 name of a record member. Members nearly always come in the order
/// the fields were first seen, so the field after the last one found is tried first, by its bytes:
/// no string is made and nothing is hashed unless that guess misses.
/// </summary>
internal sealed class FieldIndex
{
    private readonly byte[][] _names;
    private readonly Dictionary<string, int> _index = new(StringComparer.Ordinal);
    private int _next;

    public FieldIndex(IEnumerable<string> names)
    {
        _names = names.Select(Encoding.UTF8.GetBytes).ToArray();
        for (var i = 0; i < _names.Length; i++)
        {
            _index[Encoding.UTF8.GetString(_names[i])] = i;
        }
    }

    /// <summary>Starts the members of another object.</summary>
    public void Restart() => _next = 0;

    /// <summary>The index of the field named <paramref name="name"/>, or -1 when there is none.</summary>
    public int Find(ReadOnlySpan<byte> name, KeyCache keys)
    {
        var next = _next;
        if (next < _names.Length && name.SequenceEqual(_names[next]))
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
