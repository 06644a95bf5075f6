using System.Text;

namespace StacPkg.Core.Stores;

/// <summary>
/// The one rule for which query parameters sign a URL or grant access to it (Azure SAS, S3 and GCS
/// presigned URLs, CloudFront, OAuth tokens): the lock, the Item files and every message use it.
/// The rest of a query (<c>?versionId=</c>, <c>?collection=x&amp;item=y</c>) identifies the object and is kept.
/// </summary>
public static class SigningParameters
{
    private static readonly HashSet<string> Names = new(StringComparer.OrdinalIgnoreCase)
    {
        // Azure SAS
        "sig", "se", "sp", "sv", "sr", "st", "skoid", "sktid", "ske", "sks", "skv", "skt", "sip", "spr", "ss", "srt", "sdd", "saoid", "suoid", "scid",
        // generic signatures, CloudFront, OAuth and API tokens
        "signature", "awsaccesskeyid", "googleaccessid", "expires", "key-pair-id", "policy", "token",
        "access_token", "code",
        // API keys (commercial imagery APIs, API gateways)
        "api_key", "apikey", "api-key", "subscription-key",
    };

    /// <summary>Whether a query parameter named <paramref name="name"/> (percent-decoded) signs a URL or grants access.</summary>
    public static bool IsSigning(string name) =>
        Names.Contains(name)
        || name.StartsWith("x-amz-", StringComparison.OrdinalIgnoreCase)
        || name.StartsWith("x-goog-", StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// <paramref name="href"/> without its signing parameters; the other parameters and the fragment
    /// stay as written, and the '?' goes when nothing is left. Returns the same string when there is
    /// nothing to remove, so callers can test with <see cref="object.ReferenceEquals"/>.
    /// <paramref name="removed"/> counts the parameters taken out.
    /// </summary>
    public static string Remove(string href, out int removed)
    {
        ArgumentNullException.ThrowIfNull(href);
        removed = 0;
        var queryStart = href.IndexOf('?');
        if (queryStart < 0) return href;
        var fragmentStart = href.IndexOf('#', queryStart);
        var queryEnd = fragmentStart < 0 ? href.Length : fragmentStart;
        StringBuilder? kept = null;
        var start = queryStart + 1;
        while (start <= queryEnd)
        {
            var end = href.IndexOf('&', start, queryEnd - start);
            if (end < 0) end = queryEnd;
            var pair = href.AsSpan(start, end - start);
            if (IsSigningPair(pair))
            {
                removed++;
                // Everything before the first removed pair, ending in its '?' or '&'.
                kept ??= new StringBuilder(href.Length).Append(href, 0, start);
            }
            else if (kept is not null && pair.Length > 0)
            {
                if (kept[^1] is not ('?' or '&')) kept.Append('&');
                kept.Append(pair);
            }
            start = end + 1;
        }
        if (kept is null) return href;
        while (kept.Length > queryStart && kept[^1] is '?' or '&') kept.Length--;
        if (fragmentStart >= 0) kept.Append(href, fragmentStart, href.Length - fragmentStart);
        return kept.ToString();
    }

    private static bool IsSigningPair(ReadOnlySpan<char> pair)
    {
        if (pair.Length == 0) return false;
        var equals = pair.IndexOf('=');
        var name = equals >= 0 ? pair[..equals] : pair;
        var text = name.Contains('%') || name.Contains('+') ? Uri.UnescapeDataString(name.ToString().Replace('+', ' ')) : name.ToString();
        return IsSigning(text);
    }
}
