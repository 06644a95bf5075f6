using System.Text;
using StacPkg.Core.Enrichment;
using StacPkg.Core.Json;
using StacPkg.Core.Stores;

namespace StacPkg.Core.Stac;

/// <summary>
/// Items without the signing parameters (<see cref="SigningParameters"/>) and URL credentials
/// (<see cref="AssetLocation.WithoutCredentials"/>) of their asset, alternate (Alternate Assets
/// extension) and link hrefs, so that a file or a record never carries a SAS, a presigned URL or a password.
/// </summary>
public static class SignedHrefs
{
    /// <summary>
    /// <paramref name="item"/> itself when none of its hrefs is signed, else a copy with the signing
    /// parameters removed (the caller's Item is never changed). <paramref name="removed"/> counts the hrefs changed.
    /// </summary>
    public static StacItem Remove(StacItem item, out int removed)
    {
        ArgumentNullException.ThrowIfNull(item);
        removed = 0;
        if (item.Record is { } record ? !AnySigned(record) : !AnySigned(item)) return item;
        var copy = StacItemCopy.Clone(item);
        foreach (var asset in copy.Assets.Values)
        {
            asset.Href = Unsigned(asset.Href, ref removed);
            foreach (var alternate in Alternates(asset))
            {
                if (alternate.Get("href") is string href) alternate["href"] = Unsigned(href, ref removed);
            }
        }
        foreach (var link in copy.Links)
        {
            link.Href = Unsigned(link.Href, ref removed);
        }
        return copy;
    }

    private static bool AnySigned(StacItem item)
    {
        foreach (var asset in item.Assets.Values)
        {
            if (IsSigned(asset.Href)) return true;
            foreach (var alternate in Alternates(asset))
            {
                if (alternate.Get("href") is string href && IsSigned(href)) return true;
            }
        }
        foreach (var link in item.Links)
        {
            if (IsSigned(link.Href)) return true;
        }
        return false;
    }

    private static readonly byte[] AlternateName = Encoding.UTF8.GetBytes(AlternateAssets.AlternateField);

    /// <summary>The same question asked of an Item that is still its record, reading only its hrefs.</summary>
    private static bool AnySigned(StacItemRecord item)
    {
        ReadOnlySpan<byte> record = item.Bytes;
        var position = item.FindMember("assets"u8);
        if (position >= 0 && record[position++] == BinaryJson.Object)
        {
            for (var assets = BinaryJson.ReadCount(record, ref position); assets > 0; assets--)
            {
                BinaryJson.ReadBytes(record, ref position);
                var asset = position;
                BinaryJson.Skip(record, ref position);
                if (HasSignedHref(record, asset)) return true;
                var alternate = BinaryJson.FindMember(record, asset, AlternateName);
                if (alternate >= 0 && record[alternate++] == BinaryJson.Object)
                {
                    for (var alternates = BinaryJson.ReadCount(record, ref alternate); alternates > 0; alternates--)
                    {
                        BinaryJson.ReadBytes(record, ref alternate);
                        if (HasSignedHref(record, alternate)) return true;
                        BinaryJson.Skip(record, ref alternate);
                    }
                }
            }
        }
        position = item.FindMember("links"u8);
        if (position >= 0 && record[position++] == BinaryJson.Array)
        {
            for (var links = BinaryJson.ReadCount(record, ref position); links > 0; links--)
            {
                if (HasSignedHref(record, position)) return true;
                BinaryJson.Skip(record, ref position);
            }
        }
        return false;
    }

    /// <summary>Whether the value at <paramref name="position"/> is an object whose href is a signed string.</summary>
    private static bool HasSignedHref(ReadOnlySpan<byte> record, int position)
    {
        position = BinaryJson.FindMember(record, position, "href"u8);
        if (position < 0 || record[position++] != BinaryJson.String) return false;
        var href = BinaryJson.ReadBytes(record, ref position);
        // Credentials sit before an '@', signing parameters after a '?': most hrefs have neither and need no string.
        return href.IndexOfAny((byte)'?', (byte)'@') >= 0 && IsSigned(Encoding.UTF8.GetString(href));
    }

    private static bool IsSigned(string href) => !ReferenceEquals(Stored(href), href);

    private static string Unsigned(string href, ref int removed)
    {
        var kept = Stored(href);
        if (!ReferenceEquals(kept, href)) removed++;
        return kept;
    }

    // The same string when there is nothing to remove.
    private static string Stored(string href)
    {
        var kept = AssetLocation.WithoutCredentials(href);
        return kept.Contains('?') ? SigningParameters.Remove(kept, out _) : kept;
    }

    private static IEnumerable<JsonMap> Alternates(StacAsset asset) =>
        asset.AdditionalFields.Get(AlternateAssets.AlternateField) is JsonMap alternates
            ? alternates.Values.OfType<JsonMap>()
            : [];
}
