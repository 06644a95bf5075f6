using System.Collections;
using System.Globalization;
using System.Text;

namespace StacPkg.Core.Json;

/// <summary>Brings .NET values that users put into Items (int, float, DateTime, hashtables, arrays) into the plain JSON value model.</summary>
public static class JsonValues
{
    public static object? Normalize(object? value) => value switch
    {
        null or string or bool or long or double or JsonMap or List<object?> => value,
        int or short or byte or sbyte or ushort or uint => Convert.ToInt64(value, CultureInfo.InvariantCulture),
        ulong u => u <= long.MaxValue ? (long)u : (double)u,
        float f => (double)f,
        decimal m => decimal.Truncate(m) == m && m >= long.MinValue && m <= long.MaxValue ? (long)m : (double)m,
        DateTime dt => Stac.StacDateTime.Format(dt),
        DateTimeOffset dto => Stac.StacDateTime.Format(dto),
        IDictionary dictionary => NormalizeMap(dictionary),
        IEnumerable sequence => NormalizeList(sequence),
        _ => Convert.ToString(value, CultureInfo.InvariantCulture),
    };

    /// <summary>
    /// The first number in a JSON value that JSON cannot hold (NaN, Infinity), with its member path
    /// ("properties.x", "bbox[2]"); null when there is none.
    /// </summary>
    public static (string Path, double Number)? FindNonFiniteNumber(object? value)
    {
        // Every Item passes through here on the way in and out: the walk allocates nothing, and the
        // path is built only for the number that is found, from the leaf up.
        var trail = new List<object>();
        if (FindNonFinite(value, trail) is not { } number)
        {
            return null;
        }
        var path = new StringBuilder();
        for (var i = trail.Count - 1; i >= 0; i--)
        {
            if (trail[i] is int index)
            {
                path.Append(CultureInfo.InvariantCulture, $"[{index}]");
            }
            else
            {
                path.Append(path.Length == 0 ? "" : ".").Append((string)trail[i]);
            }
        }
        return (path.ToString(), number);
    }

    private static double? FindNonFinite(object? value, List<object> trail)
    {
        switch (value)
        {
            case double d when !double.IsFinite(d):
                return d;
            case JsonMap map:
                foreach (var (key, member) in map)
                {
                    if (FindNonFinite(member, trail) is { } found)
                    {
                        trail.Add(key);
                        return found;
                    }
                }
                return null;
            case List<object?> list:
                for (var i = 0; i < list.Count; i++)
                {
                    if (FindNonFinite(list[i], trail) is { } found)
                    {
                        trail.Add(i);
                        return found;
                    }
                }
                return null;
            default:
                return null;
        }
    }

    private static JsonMap NormalizeMap(IDictionary dictionary)
    {
        var map = new JsonMap(dictionary.Count);
        foreach (DictionaryEntry entry in dictionary)
        {
            map[Convert.ToString(entry.Key, CultureInfo.InvariantCulture) ?? ""] = Normalize(entry.Value);
        }
        return map;
    }

    private static List<object?> NormalizeList(IEnumerable sequence)
    {
        var list = new List<object?>();
        foreach (var item in sequence)
        {
            list.Add(Normalize(item));
        }
        return list;
    }
}
