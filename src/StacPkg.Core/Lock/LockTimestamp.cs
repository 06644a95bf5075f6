using System.Globalization;

namespace StacPkg.Core.Lock;

/// <summary>The lock's <c>last_modified</c> text: ISO-8601 in UTC with a 'Z', fractional seconds only when there are any.</summary>
public static class LockTimestamp
{
    public static string Format(DateTimeOffset value) => Stac.StacDateTime.Format(value);

    /// <summary>Parses ISO-8601 (any offset; none means UTC) or an HTTP date.</summary>
    public static bool TryParse(string? text, out DateTimeOffset value) =>
        DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out value);

    /// <summary>Whole seconds since the epoch: stores report last-modified at second precision (HTTP dates), so instants compare to the second.</summary>
    public static long ToSecond(DateTimeOffset value) => value.ToUnixTimeSeconds();
}
