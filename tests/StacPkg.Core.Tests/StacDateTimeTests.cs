using StacPkg.Core.Stac;

namespace StacPkg.Core.Tests;

public sealed class StacDateTimeTests
{
    [Theory]
    [InlineData("2021-03-04T05:06:07Z", "2021-03-04T05:06:07.0000000+00:00")]
    [InlineData("2021-03-04T05:06:07.1Z", "2021-03-04T05:06:07.1000000+00:00")]
    [InlineData("2021-03-04T05:06:07.123456Z", "2021-03-04T05:06:07.1234560+00:00")]
    [InlineData("2021-03-04T05:06:07.123456789Z", "2021-03-04T05:06:07.1234567+00:00")]
    [InlineData("2024-02-29T23:59:59z", "2024-02-29T23:59:59.0000000+00:00")]
    [InlineData("2021-03-04T07:06:07+02:00", "2021-03-04T05:06:07.0000000+00:00")]
    [InlineData("2021-03-04T05:06:07.5-01:30", "2021-03-04T06:36:07.5000000+00:00")]
    public void Parses_rfc3339_timestamps_to_utc(string text, string expected)
    {
        Assert.True(StacDateTime.TryParse(text, out var value, out var hadOffset));
        Assert.True(hadOffset);
        Assert.Equal(DateTimeOffset.Parse(expected, System.Globalization.CultureInfo.InvariantCulture), value);
        Assert.Equal(TimeSpan.Zero, value.Offset);
    }

    [Fact]
    public void A_timestamp_without_offset_is_read_as_utc_and_says_so()
    {
        Assert.True(StacDateTime.TryParse("2021-03-04T05:06:07", out var value, out var hadOffset));
        Assert.False(hadOffset);
        Assert.Equal(new DateTimeOffset(2021, 3, 4, 5, 6, 7, TimeSpan.Zero), value);
    }

    [Theory]
    [InlineData("2023-02-29T00:00:00Z")]
    [InlineData("2021-13-01T00:00:00Z")]
    [InlineData("2021-03-04T24:00:00Z")]
    [InlineData("2021-03-04T05:06:07.Z")]
    [InlineData("2021-03-04T05:06:07.12a4Z")]
    [InlineData("yesterday")]
    [InlineData("")]
    public void Refuses_what_is_not_a_timestamp(string text) =>
        Assert.False(StacDateTime.TryParse(text, out _, out _));

    [Fact]
    public void Formats_with_only_the_fraction_digits_needed()
    {
        Assert.Equal("2021-03-04T05:06:07Z", StacDateTime.Format(new DateTime(2021, 3, 4, 5, 6, 7, DateTimeKind.Utc)));
        Assert.Equal("2021-03-04T05:06:07.12Z", StacDateTime.Format(new DateTime(2021, 3, 4, 5, 6, 7, 120, DateTimeKind.Utc)));
    }

    [Fact]
    public void FormatAsParsed_gives_back_the_text_a_parser_read_as_far_as_the_DateTime_tells()
    {
        // No offset in the text: PowerShell gives Kind Unspecified, and no zone is invented.
        Assert.Equal("2021-03-04T05:06:07", StacDateTime.FormatAsParsed(new DateTime(2021, 3, 4, 5, 6, 7, DateTimeKind.Unspecified)));
        Assert.Equal("2021-03-04T05:06:07.5Z", StacDateTime.FormatAsParsed(new DateTime(2021, 3, 4, 5, 6, 7, 500, DateTimeKind.Utc)));
        Assert.Equal("2020-06-01T12:00:00-07:00", StacDateTime.FormatAsParsed(new DateTimeOffset(2020, 6, 1, 12, 0, 0, TimeSpan.FromHours(-7))));

        // An offset in the text: PowerShell gives Kind Local; the instant survives, the offset is this machine's.
        var local = DateTimeOffset.Parse("2020-06-01T12:00:00-07:00", System.Globalization.CultureInfo.InvariantCulture).LocalDateTime;
        var text = StacDateTime.FormatAsParsed(local);
        Assert.Equal(DateTimeOffset.Parse("2020-06-01T19:00:00Z", System.Globalization.CultureInfo.InvariantCulture), DateTimeOffset.Parse(text, System.Globalization.CultureInfo.InvariantCulture));
        Assert.DoesNotContain("Z", text, StringComparison.Ordinal);
    }
}
