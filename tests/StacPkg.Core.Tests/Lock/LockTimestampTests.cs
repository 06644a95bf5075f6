using StacPkg.Core.Lock;

namespace StacPkg.Core.Tests.Lock;

public sealed class LockTimestampTests
{
    [Theory]
    // Python: datetime(2024, 5, 1, 10, 0, tzinfo=timezone.utc).isoformat()
    [InlineData(0L, "2024-05-01T10:00:00+00:00")]
    // microseconds present: always six digits
    [InlineData(1_234_560L, "2024-05-01T10:00:00.123456+00:00")]
    [InlineData(5_000_000L, "2024-05-01T10:00:00.500000+00:00")]
    // below a microsecond: Python's datetime cannot hold it, the text has none
    [InlineData(1L, "2024-05-01T10:00:00+00:00")]
    [InlineData(1_234_569L, "2024-05-01T10:00:00.123456+00:00")]
    public void Formats_as_Python_isoformat_of_a_UTC_datetime(long extraTicks, string expected)
    {
        var value = new DateTimeOffset(2024, 5, 1, 10, 0, 0, TimeSpan.Zero).AddTicks(extraTicks);
        Assert.Equal(expected, LockTimestamp.Format(value));
        // Another offset is the same instant, written in UTC.
        Assert.Equal(expected, LockTimestamp.Format(value.ToOffset(TimeSpan.FromHours(2))));
    }

    [Theory]
    [InlineData("2024-05-01T10:00:00+00:00")]
    [InlineData("2024-05-01T10:00:00.123456+00:00")]
    [InlineData("2024-05-01T10:00:00Z")]
    [InlineData("2024-05-01T12:00:00+02:00")]
    public void Reads_both_forms_as_the_same_second(string text)
    {
        Assert.True(LockTimestamp.TryParse(text, out var value));
        Assert.Equal(new DateTimeOffset(2024, 5, 1, 10, 0, 0, TimeSpan.Zero).ToUnixTimeSeconds(), LockTimestamp.ToSecond(value));
    }
}
