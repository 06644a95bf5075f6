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
        // Nearly every STAC timestamp has this one shape; parsing it directly is many times faster
        // than the general parser, and timestamps are checked on every Item.
        if (TryParseCanonical(text, out value))
        {
            hadOffset = true;
            return true;
        }
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

    /// <summary>Parses exactly <c>YYYY-MM-DDTHH:MM:SS[.fraction]Z</c>; anything else is left to the general parser.</summary>
    private static bool TryParseCanonical(string text, out DateTimeOffset value)
    {
        value = default;
        var t = text.AsSpan();
        if (t.Length < 20 || t[^1] is not ('Z' or 'z') || t[4] != '-' || t[7] != '-' || t[10] is not ('T' or 't') || t[13] != ':' || t[16] != ':')
        {
            return false;
        }
        if (!Digits(t[..4], out var year) || !Digits(t.Slice(5, 2), out var month) || !Digits(t.Slice(8, 2), out var day) ||
            !Digits(t.Slice(11, 2), out var hour) || !Digits(t.Slice(14, 2), out var minute) || !Digits(t.Slice(17, 2), out var second))
        {
            return false;
        }
        long ticks = 0;
        var fraction = t[19..^1];
        if (fraction.Length > 0)
        {
            // Up to 7 digits are ticks; further digits (nanoseconds) are below .NET's resolution.
            if (fraction[0] != '.' || fraction.Length == 1 || !Digits(fraction[1..Math.Min(fraction.Length, 8)], out var digits) ||
                !AllDigits(fraction[Math.Min(fraction.Length, 8)..]))
            {
                return false;
            }
            ticks = digits;
            for (var i = Math.Min(fraction.Length, 8) - 1; i < 7; i++)
            {
                ticks *= 10;
            }
        }
        if (year < 1 || month is < 1 or > 12 || day < 1 || day > DateTime.DaysInMonth(year, month) || hour > 23 || minute > 59 || second > 59)
        {
            return false;
        }
        value = new DateTimeOffset(new DateTime(year, month, day, hour, minute, second, DateTimeKind.Utc).AddTicks(ticks));
        return true;
    }

    private static bool Digits(ReadOnlySpan<char> span, out int number)
    {
        number = 0;
        foreach (var c in span)
        {
            if (c is < '0' or > '9')
            {
                return false;
            }
            number = number * 10 + (c - '0');
        }
        return true;
    }

    private static bool AllDigits(ReadOnlySpan<char> span)
    {
        foreach (var c in span)
        {
            if (c is < '0' or > '9')
            {
                return false;
            }
        }
        return true;
    }

    /// <summary>Formats as RFC 3339 in UTC with 'Z', keeping only the fractional digits needed.</summary>
    public static string Format(DateTimeOffset value) => Format(value.UtcDateTime);

    public static string Format(DateTime value) =>
        WithoutZone(value.Kind == DateTimeKind.Local ? value.ToUniversalTime() : value) + "Z";

    /// <summary>
    /// The text a DateTime was most likely parsed from, for a string that PowerShell
    /// (ConvertFrom-Json, Invoke-RestMethod) turned into a DateTime but that is not a timestamp
    /// field: Unspecified had no offset, so none is added; Utc had 'Z'; Local had an offset that
    /// PowerShell replaced by this machine's, so the same instant is written with the local offset.
    /// Trailing zeros of the fraction are not recoverable and are dropped.
    /// </summary>
    public static string FormatAsParsed(DateTime value) => value.Kind switch
    {
        DateTimeKind.Unspecified => WithoutZone(value),
        DateTimeKind.Utc => Format(value),
        _ => FormatAsParsed(new DateTimeOffset(value)),
    };

    /// <summary>A DateTimeOffset with its own offset, as RFC 3339.</summary>
    public static string FormatAsParsed(DateTimeOffset value) =>
        WithoutZone(value.DateTime) + value.ToString("zzz", CultureInfo.InvariantCulture);

    private static string WithoutZone(DateTime value) =>
        value.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff", CultureInfo.InvariantCulture).TrimEnd('0').TrimEnd('.');

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
