using System.Collections;
using System.Globalization;
using System.Management.Automation;
using System.Numerics;
using StacPkg.Core.Json;
using StacPkg.Core.Stac;

namespace StacPkg.PowerShell;

/// <summary>
/// Converts what Invoke-RestMethod and ConvertFrom-Json return (PSCustomObjects, object arrays,
/// numbers, DateTimes parsed from strings) and hand-made hashtables into Core's JSON value model:
/// null, bool, long, double, string, List of values, <see cref="JsonMap"/>.
/// </summary>
internal static class PSObjectJsonConverter
{
    /// <summary>Deep enough for any real Item; a limit stops reference cycles in hand-made objects.</summary>
    private const int MaxDepth = 128;

    /// <exception cref="StacFormatException">The object graph is too deep (or cyclic).</exception>
    public static object? ToJsonValue(object? value) => Convert(value, 0, null);

    /// <param name="name">The member name the value belongs to, null for an array element or the root.</param>
    private static object? Convert(object? value, int depth, string? name)
    {
        if (depth > MaxDepth)
        {
            throw new StacFormatException($"the object is nested more than {MaxDepth} levels deep (or refers to itself)");
        }
        if (value is PSObject psObject)
        {
            // A PSCustomObject has no base object of its own worth converting: its members are its note properties.
            if (psObject.BaseObject is PSCustomObject)
            {
                return FromProperties(psObject, depth);
            }
            value = psObject.BaseObject;
        }
        switch (value)
        {
            case null:
                return null;
            case string s:
                return s;
            case char c:
                return c.ToString();
            case bool b:
                return b;
            case long or int or short or sbyte or byte or ushort or uint:
                return System.Convert.ToInt64(value, CultureInfo.InvariantCulture);
            case ulong ul:
                return ul <= long.MaxValue ? (long)ul : (double)ul;
            case double or float or decimal:
                return System.Convert.ToDouble(value, CultureInfo.InvariantCulture);
            case BigInteger big:
                return big >= long.MinValue && big <= long.MaxValue ? (long)big : (double)big;
            // ConvertFrom-Json turns ISO 8601 strings into DateTime. The spec's timestamp fields are
            // timestamps (RFC 3339 in UTC); any other string is given back as close to its text as the
            // DateTime tells (a version "2021-03-04T05:06:07" gets no 'Z').
            case DateTime dt:
                return IsTimestamp(name) ? StacDateTime.Format(dt) : StacDateTime.FormatAsParsed(dt);
            case DateTimeOffset dto:
                return IsTimestamp(name) ? StacDateTime.Format(dto) : StacDateTime.FormatAsParsed(dto);
            case IDictionary dictionary:
                return FromDictionary(dictionary, depth);
            case IEnumerable sequence:
                var list = new List<object?>();
                foreach (var element in sequence)
                {
                    list.Add(Convert(element, depth + 1, null));
                }
                return list;
            default:
                return System.Convert.ToString(value, CultureInfo.InvariantCulture);
        }
    }

    private static bool IsTimestamp(string? name) => name is not null && StacDateTime.TimestampProperties.Contains(name);

    private static JsonMap FromProperties(PSObject psObject, int depth)
    {
        var map = new JsonMap();
        foreach (var property in psObject.Properties)
        {
            if (property.IsGettable)
            {
                map[property.Name] = Convert(property.Value, depth + 1, property.Name);
            }
        }
        return map;
    }

    private static JsonMap FromDictionary(IDictionary dictionary, int depth)
    {
        var map = new JsonMap(dictionary.Count);
        foreach (DictionaryEntry entry in dictionary)
        {
            var key = System.Convert.ToString(entry.Key, CultureInfo.InvariantCulture) ?? "";
            map[key] = Convert(entry.Value, depth + 1, key);
        }
        return map;
    }
}
