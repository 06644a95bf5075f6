using StacPkg.Core.Json;
using StacPkg.Core.Stac;

namespace StacPkg.Core.GeoParquet;

/// <summary>
/// Looks up members of an Item record (<see cref="StacItemRecord"/>) in place, for the writer's
/// sort and partition keys: nothing but the looked-up values is decoded.
/// </summary>
internal static class ItemRecordMembers
{
    /// <summary>The string at <paramref name="position"/>, or null when there is none.</summary>
    public static string? String(ReadOnlySpan<byte> record, int position)
    {
        if (position < 0 || record[position++] != BinaryJson.String)
        {
            return null;
        }
        return System.Text.Encoding.UTF8.GetString(BinaryJson.ReadBytes(record, ref position));
    }

    /// <summary>The instant of <c>datetime</c>, or of <c>start_datetime</c> for a range Item; null when neither is a timestamp.</summary>
    public static DateTimeOffset? DatetimeOrStart(ReadOnlySpan<byte> record)
    {
        var properties = BinaryJson.FindMember(record, 0, "properties"u8);
        return Instant(record, BinaryJson.FindMember(record, properties, "datetime"u8)) ?? Instant(record, BinaryJson.FindMember(record, properties, "start_datetime"u8));
    }

    private static DateTimeOffset? Instant(ReadOnlySpan<byte> record, int position) =>
        String(record, position) is { } text && StacDateTime.TryParse(text, out var instant, out _) ? instant : null;
}
