using System.Globalization;

namespace StacPkg.Core.Stac;

/// <summary>RFC 3339 timestamps as STAC uses them, and the property names that hold them.</summary>
public static class StacDateTime
{
    /// <summary>Properties stored as timestamp(µs, UTC) in STAC GeoParquet.</summary>
    public static readonly IReadOnlySet<string> TimestampProperties = new HashSet<string>(StringComparer.Ordinal)
    {
        "datetime", "start_datetime", "end_datetime", "created", "updated", "expires", "published", "unpublished",
    };

    /// <summary>
    /// Parses an RFC 3339 timestamp. A timestamp without a UTC offset is read as UTC
    /// (<paramref name="hadOffset"/> tells the caller so it can warn).
    /// </summary>
    public static bool TryParse(string text, out DateTimeOffset value, out bool hadOffset)
    {
        hadOffset = HasOffset(text);
        var styles = DateTimeStyles.AllowWhiteSpaces | (hadOffset ? DateTimeStyles.None : DateTimeStyles.AssumeUniversal);
        if (text.Length >= 10 && text[4] == '-' &&
            DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, styles, out value))
        {
            value = value.ToUniversalTime();
            return true;
        }
        value = default;
        return false;
    }

    /// <summary>Formats as RFC 3339 in UTC with 'Z', keeping only the fractional digits needed.</summary>
    public static string Format(DateTimeOffset value) => Format(value.UtcDateTime);

    public static string Format(DateTime value)
    {
        var utc = value.Kind == DateTimeKind.Local ? value.ToUniversalTime() : value;
        var text = utc.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff", CultureInfo.InvariantCulture).TrimEnd('0').TrimEnd('.');
        return text + "Z";
    }

    private static bool HasOffset(string text)
    {
        var t = text.IndexOf('T');
        if (t < 0)
        {
            t = text.IndexOf(' ');
        }
        if (t < 0)
        {
            return false;
        }
        var time = text.AsSpan(t + 1).TrimEnd();
        return time.EndsWith("Z", StringComparison.OrdinalIgnoreCase) || time.IndexOfAny('+', '-') >= 0;
    }
}
