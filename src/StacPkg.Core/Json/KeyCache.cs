using System.Text;

namespace StacPkg.Core.Json;

/// <summary>Hands out one string instance per distinct member name, so repeated keys allocate once.</summary>
internal sealed class KeyCache
{
    // Throws on invalid UTF-8 as the JSON reader would.
    private static readonly UTF8Encoding Strict = new(false, true);

    private readonly (byte[] Bytes, string Text)?[] _slots = new (byte[], string)?[4096];

    public string Get(ReadOnlySpan<byte> utf8)
    {
        if (utf8.Length > 64)
        {
            return Strict.GetString(utf8);
        }
        var hash = 17;
        foreach (var b in utf8)
        {
            hash = hash * 31 + b;
        }
        ref var slot = ref _slots[(hash & int.MaxValue) % _slots.Length];
        if (slot is { } hit && utf8.SequenceEqual(hit.Bytes))
        {
            return hit.Text;
        }
        var text = Strict.GetString(utf8);
        slot = (utf8.ToArray(), text);
        return text;
    }
}
