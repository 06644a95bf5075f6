using StacPkg.Core.Packaging;
using StacPkg.Core.Stac;
using StacPkg.Core.Tests.Support;

namespace StacPkg.Core.Tests.Packaging;

public sealed class AbsentNullsTests
{
    public static TheoryData<string> Sets() => LazyItems.SetNames();

    [Theory]
    [MemberData(nameof(Sets))]
    public void A_record_loses_the_nulls_its_objects_lose_and_neither_is_built(string set)
    {
        var dropped = 0;
        foreach (var item in LazyItems.Eager(set))
        {
            var lazy = LazyItems.Of(item);

            var fromObjects = AbsentNulls.Drop(item);
            var fromRecord = AbsentNulls.Drop(lazy);

            Assert.NotNull(fromRecord.Record);
            Assert.Equal(StacItemRecord.FromItem(fromObjects).Bytes, fromRecord.Record.Bytes);
            // The copy knows where its members are as a walk of it finds them.
            var walked = new StacItemRecord(fromRecord.Record.Bytes);
            Assert.Equal(Members(walked), Members(fromRecord.Record));
            Assert.NotNull(lazy.Record);
            if (ReferenceEquals(fromObjects, item))
            {
                Assert.Same(lazy, fromRecord);
            }
            else
            {
                dropped++;
                Assert.Equal(item.Collection, fromRecord.Collection);
                Assert.Equal(item.Id, fromRecord.Id);
            }
        }
        if (set == LazyItems.Awkward)
        {
            // Nulls in properties, nested objects, objects inside lists and top-level fields.
            Assert.Equal(2, dropped);
        }
    }

    private static List<(string, Range)> Members(StacItemRecord record) =>
        Enumerable.Range(0, record.MemberCount).Select(i => (System.Text.Encoding.UTF8.GetString(record.MemberName(i)), record.MemberValue(i))).ToList();

    [Fact]
    public void A_top_level_datetime_null_stays_as_in_properties_and_other_top_level_nulls_go()
    {
        var item = LazyItems.Parse("""
            {"type":"Feature","stac_version":"1.1.0","id":"t","geometry":null,"properties":{"datetime":null,"start_datetime":"2020-01-01T00:00:00Z",
             "end_datetime":"2020-01-02T00:00:00Z","x":null},"links":[],"assets":{},"datetime":null,"x_null":null,"x_list":[null,{"y":null}]}
            """);

        var dropped = AbsentNulls.Drop(LazyItems.Of(item));

        Assert.Equal(StacItemRecord.FromItem(AbsentNulls.Drop(item)).Bytes, dropped.Record!.Bytes);
        Assert.Equal(
            """{"type":"Feature","stac_version":"1.1.0","stac_extensions":[],"id":"t","geometry":null,"properties":{"datetime":null,"start_datetime":"2020-01-01T00:00:00Z","end_datetime":"2020-01-02T00:00:00Z"},"links":[],"assets":{},"datetime":null,"x_list":[null,{}]}""",
            StacItemJson.Serialize(dropped, indented: false));
    }
}
