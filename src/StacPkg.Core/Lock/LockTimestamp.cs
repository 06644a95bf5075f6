using System.Globalization;

namespace StacPkg.Core.Lock;

/// <summary>
/// The lock's <c>last_modified</c> text, as the Python stacpkg writes it (<c>datetime.isoformat()</c>
/// of a UTC time): <c>2024-05-01T10:00:00+00:00</c>, with six fractional digits only when the
/// microseconds are not zero. The same object then gives the same text from either implementation,
/// so a validator that compares the text accepts both.
/// </summary>
public static class LockTimestamp
{
    public static string Format(DateTimeOffset value)
    {
        var utc = value.UtcDateTime;
        // Python's datetime holds microseconds: finer ticks are dropped (truncated, as obstore converts).
        var microseconds = utc.Ticks % TimeSpan.TicksPerSecond / TimeSpan.TicksPerMicrosecond;
        var seconds = utc.ToString("yyyy-MM-dd'T'HH:mm:ss", CultureInfo.InvariantCulture);
        return microseconds == 0
            ? seconds + "+00:00"
            : string.Create(CultureInfo.InvariantCulture, $"{seconds}.{microseconds:D6}+00:00");
    }

    /// <summary>Parses ISO-8601 (any offset; none means UTC) or an HTTP date.</summary>
    public static bool TryParse(string? text, out DateTimeOffset value) =>
        DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out value);

    /// <summary>Whole seconds since the epoch: stores report last-modified at second precision (HTTP dates), so instants compare to the second.</summary>
    public static long ToSecond(DateTimeOffset value) => value.ToUnixTimeSeconds();
}
