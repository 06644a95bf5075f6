using System.Globalization;
using StacPkg.Core.Stores;

namespace StacPkg.Core.Lock;

/// <summary>
/// The one set of rules a lock row must keep, wherever it comes from (a lock file, another
/// implementation's lock, an object built by hand): a row that breaks one is refused with a message
/// naming the item, the asset, the field and its value, so no wrong size or checksum travels on
/// into a check, a copy or an Item.
/// </summary>
public static class AssetLockRowRules
{
    /// <summary>The store types a row may name (DESIGN.md, asset lock schema v1).</summary>
    public static readonly IReadOnlyList<string> StoreTypes = ["file", "s3", "az", "gs", "http", "https"];

    /// <summary>What is wrong with <paramref name="entry"/>, one phrase per field; empty when nothing is.</summary>
    public static List<string> Problems(AssetLockEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        var problems = new List<string>();
        if (string.IsNullOrEmpty(entry.ItemId))
        {
            problems.Add("item_id is empty");
        }
        if (string.IsNullOrEmpty(entry.AssetKey))
        {
            problems.Add("asset_key is empty");
        }
        CheckLocation(entry, problems);
        if (entry.SizeBytes is < 0)
        {
            problems.Add(string.Create(CultureInfo.InvariantCulture, $"size_bytes {entry.SizeBytes} is negative"));
        }
        if (entry.FileChecksum is { } checksum && Multihash.Problem(checksum) is { } checksumProblem)
        {
            problems.Add($"file_checksum '{Multihash.Shorten(checksum, 80)}' {checksumProblem}");
        }
        if (entry.LastModified is { } modified && !LockTimestamp.TryParse(modified, out _))
        {
            problems.Add($"last_modified '{Shorten(modified)}' is not an ISO-8601 timestamp");
        }
        return problems;
    }

    /// <summary>Null when the row keeps every rule, else one message naming the item, the asset and each bad field.</summary>
    public static string? Describe(AssetLockEntry entry)
    {
        var problems = Problems(entry);
        return problems.Count == 0 ? null : $"item '{entry.ItemId}' asset '{entry.AssetKey}': {string.Join("; ", problems)}";
    }

    private static void CheckLocation(AssetLockEntry entry, List<string> problems)
    {
        var type = entry.StoreType;
        if (string.IsNullOrEmpty(type))
        {
            problems.Add("store_type is empty");
            return;
        }
        if (!StoreTypes.Contains(type))
        {
            problems.Add($"store_type '{Shorten(type)}' is not one of {string.Join(", ", StoreTypes)}");
            return;
        }
        var container = entry.StoreContainer;
        // An http(s) key may be empty: the container is then the whole URL, as other implementations
        // store a URL with a query (and an origin alone is a URL too).
        if (type is "http" or "https")
        {
            // Either scheme: what matters is that the container is a URL the http store can request.
            if (container is null
                || !(container.StartsWith("http://", StringComparison.OrdinalIgnoreCase) || container.StartsWith("https://", StringComparison.OrdinalIgnoreCase)))
            {
                problems.Add($"store_container '{Shown(container)}' is not an http(s):// URL");
            }
            else if (!ReferenceEquals(SigningParameters.Remove(container, out _), container))
            {
                // Never repeated: the value is a signed URL.
                problems.Add("store_container carries a signed query (a secret a lock never holds)");
            }
            return;
        }
        if (type != "file" && string.IsNullOrEmpty(container))
        {
            problems.Add($"store_container is empty (a {type} row needs its bucket or container)");
        }
        if (string.IsNullOrEmpty(entry.Key))
        {
            problems.Add($"key is empty (a {type} row needs its {(type == "file" ? "path" : "object key")})");
        }
    }

    private static string Shown(string? value) => value is null ? "" : Shorten(AssetLocation.Redact(value));

    private static string Shorten(string value) => value.Length <= 120 ? value : value[..120] + "…";
}
