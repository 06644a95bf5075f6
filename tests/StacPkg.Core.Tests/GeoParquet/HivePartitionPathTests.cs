using StacPkg.Core.GeoParquet;
using StacPkg.Core.Json;
using StacPkg.Core.Stac;

namespace StacPkg.Core.Tests.GeoParquet;

/// <summary>Partition folder names: safe for every file system, and decoded back to the exact value.</summary>
public sealed class HivePartitionPathTests
{
    public static TheoryData<string> HostileValues() => new(
        "a/b", "c=d", "e%f", "..", ".", "../../outside", "..\\..\\outside", "/etc", "C:\\x", "a\u0001b\u001fc\u007f",
        "tab\there", "new\nline", "S2 L2A", "é漢字🙂", "ends.", "x:y*?<>|\"#", "__HIVE_DEFAULT_PARTITION__", "", "%2F", "+~-_.");

    [Theory]
    [MemberData(nameof(HostileValues))]
    public void A_value_round_trips_through_a_single_plain_folder_name(string value)
    {
        var segment = HivePartitionPath.Segment("collection", value);

        Assert.True(HivePartitionPath.TryParseSegment(segment, out var key, out var back));
        Assert.Equal("collection", key);
        Assert.Equal(value, back);
        Assert.Matches("^collection=[A-Za-z0-9._~%-]*$", segment);
        Assert.False(segment.EndsWith('.'));
    }

    [Theory]
    [MemberData(nameof(HostileValues))]
    public void A_value_never_leads_out_of_its_folder(string value)
    {
        var root = Path.Combine(Path.GetTempPath(), "root");
        var full = Path.GetFullPath(Path.Combine(root, HivePartitionPath.Segment("collection", value)));

        Assert.Equal(root, Path.GetDirectoryName(full));
    }

    [Fact]
    public void Null_is_the_default_partition_and_the_default_partition_is_null()
    {
        Assert.Equal("collection=__HIVE_DEFAULT_PARTITION__", HivePartitionPath.Segment("collection", null));
        Assert.True(HivePartitionPath.TryParseSegment("collection=__HIVE_DEFAULT_PARTITION__", out _, out var value));
        Assert.Null(value);
        // A collection that is literally named so is not taken for a missing one.
        Assert.NotEqual(HivePartitionPath.Segment("collection", null), HivePartitionPath.Segment("collection", HivePartitionPath.DefaultPartition));
    }

    [Fact]
    public void Only_unsafe_bytes_are_encoded_so_common_ids_stay_readable()
    {
        Assert.Equal("collection=sentinel-2-l2a", HivePartitionPath.Segment("collection", "sentinel-2-l2a"));
        Assert.Equal("collection=a%2Fb", HivePartitionPath.Segment("collection", "a/b"));
        Assert.Equal("collection=S2%20L2A", HivePartitionPath.Segment("collection", "S2 L2A"));
        Assert.Equal("collection=%C3%A9", HivePartitionPath.Segment("collection", "é"));
    }

    [Theory]
    [InlineData("collection=a%2Fb", "a/b")]
    [InlineData("collection=%C3%A9~x%2By", "é~x+y")] // as DuckDB writes it
    [InlineData("collection=é", "é")] // raw UTF-8 in a name written by others
    [InlineData("collection=a%2", "a%2")] // not a % sequence: kept as written
    [InlineData("collection=50%", "50%")]
    [InlineData("collection=", "")]
    public void Names_written_by_others_decode_as_DuckDB_decodes_them(string name, string expected)
    {
        Assert.True(HivePartitionPath.TryParseSegment(name, out _, out var value));
        Assert.Equal(expected, value);
    }

    [Theory]
    [InlineData("part-0.parquet")]
    [InlineData("=x")]
    public void A_name_without_a_key_is_no_partition(string name) =>
        Assert.False(HivePartitionPath.TryParseSegment(name, out _, out _));

    [Fact]
    public void A_value_too_long_for_a_folder_name_is_refused_with_the_value()
    {
        var value = new string('é', 100);
        var error = Assert.Throws<ArgumentException>(() => HivePartitionPath.Segment("collection", value));
        Assert.Contains(value, error.Message);
        Assert.Contains("too long", error.Message);
    }

    [Theory]
    [InlineData("2024-03-01T00:00:00Z", null, "year=2024")]
    [InlineData("2024-01-01T00:30:00+01:00", null, "year=2023")] // the year in UTC
    [InlineData(null, "2019-12-31T23:00:00-02:00", "year=2020")] // a range Item: its start, in UTC
    [InlineData(null, null, "year=__HIVE_DEFAULT_PARTITION__")]
    public void The_year_is_of_datetime_or_else_start_datetime_in_UTC(string? datetime, string? start, string expected)
    {
        var properties = new JsonMap { ["datetime"] = datetime };
        if (start is not null)
        {
            properties["start_datetime"] = start;
            properties["end_datetime"] = "2030-01-01T00:00:00Z";
        }
        var item = new StacItem { Id = "i", Properties = properties };

        Assert.Equal(expected, ItemPartitioning.Folder(item, [ItemPartitionKey.Year]));
    }

    [Fact]
    public void A_date_a_script_set_counts_as_the_timestamp_it_is_stored_as()
    {
        var offset = new StacItem { Id = "i", Properties = new JsonMap { ["datetime"] = new DateTimeOffset(2025, 1, 1, 0, 30, 0, TimeSpan.FromHours(2)) } };
        var unspecified = new StacItem { Id = "j", Properties = new JsonMap { ["datetime"] = new DateTime(2022, 12, 31, 23, 0, 0, DateTimeKind.Unspecified) } };

        Assert.Equal("year=2024", ItemPartitioning.Folder(offset, [ItemPartitionKey.Year]));
        Assert.Equal("year=2022", ItemPartitioning.Folder(unspecified, [ItemPartitionKey.Year]));
    }

    [Fact]
    public void The_folder_has_one_level_per_key_in_the_order_given()
    {
        var item = new StacItem { Id = "i", Collection = "c/1", Properties = new JsonMap { ["datetime"] = "2024-05-01T00:00:00Z" } };

        Assert.Equal("collection=c%2F1/year=2024", ItemPartitioning.Folder(item, [ItemPartitionKey.Collection, ItemPartitionKey.Year]));
        Assert.Equal("year=2024/collection=c%2F1", ItemPartitioning.Folder(item, [ItemPartitionKey.Year, ItemPartitionKey.Collection]));
    }

    [Fact]
    public void An_Item_whose_value_cannot_be_a_folder_name_is_refused_by_id()
    {
        var item = new StacItem { Id = "long-one", Collection = new string('x', 300) };

        var error = Assert.Throws<StacFormatException>(() => ItemPartitioning.Folder(item, [ItemPartitionKey.Collection]));
        Assert.Equal("long-one", error.ItemId);
    }
}
