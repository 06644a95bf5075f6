using System.Text.RegularExpressions;

namespace StacPkg.Core.Stores;

/// <summary>
/// Free text (a message, a record's target, a progress line) with the secrets an href or a reference
/// can carry hidden: URL user info (<c>https://user:pass@host</c>, <c>user:pass@registry/repo</c>) is
/// removed and the values of signing parameters (<see cref="SigningParameters"/>) become <c>***</c>.
/// The last line of defence for what reaches a user's screen or log: Core's own messages already
/// name hrefs without their query.
/// </summary>
public static partial class SecretText
{
    public const string Hidden = "***";

    /// <summary><paramref name="text"/> without secrets; the same string when it had none.</summary>
    public static string Redact(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        // User info needs an '@', a signing parameter an '='.
        if (text.IndexOfAny(['@', '=']) < 0) return text;
        var redacted = UrlUserInfo().Replace(text, "");
        redacted = ReferenceUserInfo().Replace(redacted, "");
        redacted = QueryPair().Replace(redacted, HideSigningValue);
        return redacted == text ? text : redacted;
    }

    private static string HideSigningValue(Match pair)
    {
        var name = pair.Groups["name"].Value;
        return SigningParameters.IsSigning(Uri.UnescapeDataString(name)) ? $"{pair.Groups["separator"].Value}{name}={Hidden}" : pair.Value;
    }

    /// <summary>"user[:password]@" right after "scheme://".</summary>
    [GeneratedRegex(@"(?<=[A-Za-z][A-Za-z0-9+.\-]*://)[^\s/?#@'""<>]+@")]
    private static partial Regex UrlUserInfo();

    /// <summary>"user:password@" before a host, as in an OCI reference or an endpoint without a scheme.</summary>
    [GeneratedRegex(@"(?<![\w.~%+\-:/@])[\w.~%+\-]+:[^\s/?#@'""<>\\]+@(?=[A-Za-z0-9.\-\[\]]+(?:[:/'""\s)]|$))")]
    private static partial Regex ReferenceUserInfo();

    /// <summary>One "name=value" of a query, or of a fragment (OAuth's implicit flow puts access_token there).</summary>
    [GeneratedRegex(@"(?<separator>[?&#])(?<name>[^=&?#/\s'""<>]+)=(?<value>[^&#\s'""<>]*)")]
    private static partial Regex QueryPair();
}
