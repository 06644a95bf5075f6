using System.Text;

namespace StacPkg.Core.Stores;

/// <summary>
/// Where an asset lives, as the lock stores it: store type (file, s3, az, gs, http, https), container
/// (bucket, blob container, or URL origin for http(s)), custom endpoint, and key. Never holds a secret.
/// </summary>
/// <remarks>
/// Key conventions: file keys are paths exactly as given (Windows and UNC paths included); http(s)
/// keys are the URL path without its leading slash, percent-encoding kept as in the href so the href
/// round-trips exactly; s3, az and gs keys are the raw object names (an Azure https URL is decoded
/// into one, because that is the blob name the store API takes).
/// </remarks>
public sealed record AssetLocation(string StoreType, string? Container, string? EndpointUrl, string Key)
{
    private static readonly string[] AzureBlobHostSuffixes =
    [
        ".blob.core.windows.net",
        ".blob.core.chinacloudapi.cn",
        ".blob.core.usgovcloudapi.net",
    ];

    /// <summary>
    /// Splits an href into a location. Relative file paths are resolved against
    /// <paramref name="baseDirectory"/> when given, else kept relative. Signed query strings (SAS
    /// <c>sig</c>, <c>X-Amz-Signature</c>, …) and every other query string are dropped;
    /// <paramref name="droppedQuery"/> says whether one was.
    /// </summary>
    /// <exception cref="FormatException">The href is not a supported form; the message names it (without its query).</exception>
    public static AssetLocation Parse(string href, string? baseDirectory, out bool droppedQuery)
    {
        ArgumentNullException.ThrowIfNull(href);
        droppedQuery = false;
        if (href.Length == 0 || string.IsNullOrWhiteSpace(href))
        {
            throw new FormatException("an asset href is empty");
        }

        var scheme = SchemeOf(href);
        if (scheme is null)
        {
            // "file:/path" (no authority) is a URI too; anything else without "scheme://" is a path.
            if (href.StartsWith("file:/", StringComparison.OrdinalIgnoreCase))
            {
                return new AssetLocation("file", null, null, FileUriPath("//" + href[5..], Redact(href)));
            }
            return new AssetLocation("file", null, null, ResolveFilePath(href, baseDirectory));
        }

        // Everything after '?' is a query for every URL form: it is never kept, whatever it holds.
        var queryStart = href.IndexOf('?');
        droppedQuery = queryStart >= 0;
        var withoutQuery = queryStart >= 0 ? href[..queryStart] : href;
        var rest = withoutQuery[(scheme.Length + 1)..];

        switch (scheme)
        {
            case "file":
                return new AssetLocation("file", null, null, FileUriPath(rest, withoutQuery));
            case "http":
            case "https":
                return ParseHttp(scheme, rest, withoutQuery);
            case "s3":
            case "az":
            case "gs":
                var (bucket, key) = BucketAndKey(rest, withoutQuery);
                return new AssetLocation(scheme, bucket, null, key);
            default:
                throw new FormatException($"the asset href '{Redact(href)}' has the unsupported scheme '{scheme}:'");
        }
    }

    /// <summary>The href rebuilt from the location fields.</summary>
    /// <exception cref="FormatException">The fields do not make an href (unknown store type, missing container).</exception>
    public string ToHref()
    {
        switch (StoreType)
        {
            case "file":
                return Key;
            case "http":
            case "https":
                // Other implementations store a URL with a query as the whole container and an empty key.
                return Key.Length == 0 && IsWholeUrl(RequireContainer()) ? Container! : $"{RequireContainer()}/{Key}";
            case "s3":
            case "gs":
                // An S3-compatible endpoint lives in its own column; the href stays portable.
                return $"{StoreType}://{RequireContainer()}/{Key}";
            case "az":
                return EndpointUrl is null
                    ? $"az://{RequireContainer()}/{Key}"
                    : $"{EndpointUrl.TrimEnd('/')}/{RequireContainer()}/{EncodePath(Key)}";
            default:
                throw new FormatException($"the store type '{StoreType}' is not one of file, http, https, s3, az, gs");
        }
    }

    /// <summary>
    /// <paramref name="href"/> safe to show in a message or a log: without its query, fragment and
    /// URL user info. Plain paths are returned as they are.
    /// </summary>
    public static string Redact(string href)
    {
        ArgumentNullException.ThrowIfNull(href);
        if (SchemeOf(href) is null) return href;
        var end = href.IndexOfAny(['?', '#']);
        return WithoutUserInfo(end >= 0 ? href[..end] : href, AnyUserInfo);
    }

    /// <summary>
    /// <paramref name="href"/> without the credentials of its URL user info, to be stored: any user
    /// info of an http(s) URL (<c>https://user:pass@host</c>, <c>https://token@host</c>), and of other
    /// schemes a "user:password" one (abfs's <c>container@account</c> names a container, not a user).
    /// The same string when there is nothing to remove.
    /// </summary>
    public static string WithoutCredentials(string href)
    {
        ArgumentNullException.ThrowIfNull(href);
        var scheme = SchemeOf(href);
        if (scheme is null) return href;
        return WithoutUserInfo(href, scheme is "http" or "https" ? AnyUserInfo : (userInfo => userInfo.Contains(':')));
    }

    private static readonly Func<string, bool> AnyUserInfo = _ => true;

    private static string WithoutUserInfo(string href, Func<string, bool> remove)
    {
        var authorityStart = href.IndexOf("://", StringComparison.Ordinal);
        if (authorityStart < 0) return href;
        authorityStart += 3;
        var authorityEnd = href.IndexOfAny(['/', '?', '#'], authorityStart);
        if (authorityEnd < 0) authorityEnd = href.Length;
        var at = href.LastIndexOf('@', authorityEnd - 1, authorityEnd - authorityStart);
        return at >= 0 && remove(href[authorityStart..at]) ? href[..authorityStart] + href[(at + 1)..] : href;
    }

    /// <summary>The lower-cased URL scheme, or null for a path (a one-letter "scheme" is a Windows drive).</summary>
    private static string? SchemeOf(string href)
    {
        var colon = href.IndexOf(':');
        if (colon < 2) return null;
        if (!char.IsAsciiLetter(href[0])) return null;
        for (var i = 1; i < colon; i++)
        {
            var c = href[i];
            if (!char.IsAsciiLetterOrDigit(c) && c != '+' && c != '-' && c != '.') return null;
        }
        // "name:with-colon" without "//" is a relative file name on POSIX, not a URL.
        return href.AsSpan(colon + 1).StartsWith("//") ? href[..colon].ToLowerInvariant() : null;
    }

    private static string ResolveFilePath(string path, string? baseDirectory)
    {
        if (baseDirectory is null || IsAbsolutePath(path)) return path;
        // Normalises "./" and "../" against the base; the separators of the base win.
        return Path.GetFullPath(path, Path.GetFullPath(baseDirectory));
    }

    /// <summary>Absolute on this platform, or a Windows drive/UNC path on any platform (kept as given).</summary>
    private static bool IsAbsolutePath(string path) =>
        Path.IsPathFullyQualified(path)
        || path.StartsWith('/')
        || path.StartsWith(@"\\", StringComparison.Ordinal)
        || (path.Length >= 3 && char.IsAsciiLetter(path[0]) && path[1] == ':' && (path[2] == '\\' || path[2] == '/'));

    /// <summary><c>file://host/path</c> (after "file:") → a local path, percent-decoded.</summary>
    private static string FileUriPath(string rest, string shownHref)
    {
        var fragment = rest.IndexOf('#');
        if (fragment >= 0) rest = rest[..fragment];
        rest = rest[2..]; // after "//"
        var slash = rest.IndexOf('/');
        var host = slash < 0 ? rest : rest[..slash];
        var path = Uri.UnescapeDataString(slash < 0 ? "" : rest[slash..]);
        if (path.Length == 0) throw new FormatException($"the file URI '{shownHref}' names no path");
        if (host.Length > 0 && !host.Equals("localhost", StringComparison.OrdinalIgnoreCase))
        {
            return "//" + host + path; // a UNC share
        }
        // file:///C:/x → C:/x
        if (path.Length >= 3 && path[0] == '/' && char.IsAsciiLetter(path[1]) && path[2] == ':') return path[1..];
        return path;
    }

    private static AssetLocation ParseHttp(string scheme, string rest, string shownHref)
    {
        var fragment = rest.IndexOf('#');
        if (fragment >= 0) rest = rest[..fragment]; // never sent to a server, so not part of the object
        rest = rest[2..];
        var slash = rest.IndexOf('/');
        var authority = slash < 0 ? rest : rest[..slash];
        var path = slash < 0 ? "" : rest[(slash + 1)..];
        if (authority.Contains('@'))
        {
            throw new FormatException($"the URL '{Redact(shownHref)}' carries user credentials; they are never stored: remove them from the href");
        }
        if (authority.Length == 0 || authority.StartsWith(':'))
        {
            throw new FormatException($"the URL '{shownHref}' names no host");
        }
        authority = authority.ToLowerInvariant();
        var host = HostOf(authority);
        foreach (var suffix in AzureBlobHostSuffixes)
        {
            if (scheme == "https" && host.EndsWith(suffix, StringComparison.Ordinal) && host.Length > suffix.Length)
            {
                var (container, blob) = BucketAndKey("//" + path, shownHref);
                return new AssetLocation("az", container, $"https://{authority}", Uri.UnescapeDataString(blob));
            }
        }
        return new AssetLocation(scheme, $"{scheme}://{authority}", null, path);
    }

    private static string HostOf(string authority)
    {
        if (authority.StartsWith('[')) return authority; // IPv6 literal
        var colon = authority.LastIndexOf(':');
        return colon < 0 ? authority : authority[..colon];
    }

    /// <summary><c>//bucket/key</c> → (bucket, key); the key may be empty only for http-like containers.</summary>
    private static (string Bucket, string Key) BucketAndKey(string rest, string shownHref)
    {
        if (!rest.StartsWith("//", StringComparison.Ordinal)) throw new FormatException($"the href '{shownHref}' has no '//'");
        rest = rest[2..];
        var slash = rest.IndexOf('/');
        if (slash <= 0 || slash == rest.Length - 1)
        {
            throw new FormatException($"the href '{shownHref}' must name a bucket or container and an object key");
        }
        return (rest[..slash], rest[(slash + 1)..]);
    }

    /// <summary>Whether an http(s) container has a path or query after its origin, so it is a whole URL rather than an origin.</summary>
    private static bool IsWholeUrl(string container)
    {
        var authority = container.IndexOf("://", StringComparison.Ordinal);
        return authority >= 0 && container.IndexOfAny(['/', '?'], authority + 3) >= 0;
    }

    private string RequireContainer() =>
        string.IsNullOrEmpty(Container)
            ? throw new FormatException($"a {StoreType} location needs a container (bucket, container or origin)")
            : Container;

    /// <summary>Percent-encodes a blob name for a URL path: '/' and RFC 3986 path characters stay, everything else is UTF-8 escaped.</summary>
    internal static string EncodePath(string key)
    {
        var builder = new StringBuilder(key.Length + 16);
        Span<byte> utf8 = stackalloc byte[4];
        for (var i = 0; i < key.Length; i++)
        {
            var c = key[i];
            if (char.IsAsciiLetterOrDigit(c) || "-._~!$&'()*+,;=:@/".Contains(c))
            {
                builder.Append(c);
                continue;
            }
            var length = char.IsHighSurrogate(c) && i + 1 < key.Length
                ? Encoding.UTF8.GetBytes(key.AsSpan(i++, 2), utf8)
                : Encoding.UTF8.GetBytes(key.AsSpan(i, 1), utf8);
            foreach (var b in utf8[..length]) builder.Append('%').Append(b.ToString("X2"));
        }
        return builder.ToString();
    }
}
