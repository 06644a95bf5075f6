namespace StacPkg.Core.Stores;

/// <summary>
/// The rule for a custom store endpoint (S3-compatible endpoint, Azure account URL): an http(s) URL
/// with no user info, query or fragment. An endpoint is written into lock rows (store_endpoint_url)
/// and named in messages, so one that carries a password or a signature is refused, never stored or
/// shown; credentials come from the store's own chain (AWS, Azure).
/// </summary>
public static class StoreEndpoint
{
    /// <summary>Returns <paramref name="endpoint"/> when it is a plain http(s) URL.</summary>
    /// <exception cref="FormatException">It is not; the message shows at most the URL without its user info and query.</exception>
    public static string Check(string endpoint)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        // The common case, cheaply: lock rows are read by the million and most name the same plain endpoint.
        if (endpoint.IndexOfAny(['@', '?', '#']) < 0
            && (endpoint.StartsWith("http://", StringComparison.OrdinalIgnoreCase) || endpoint.StartsWith("https://", StringComparison.OrdinalIgnoreCase))
            && Uri.IsWellFormedUriString(endpoint, UriKind.Absolute))
        {
            return endpoint;
        }
        if (!Uri.TryCreate(endpoint, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps)
            || !endpoint.Contains("//", StringComparison.Ordinal))
        {
            // Not shown at all: text that is not a URL has no part known to be safe.
            throw new FormatException("the endpoint URL is not an http(s) URL (for example http://127.0.0.1:9000 or https://account.blob.core.windows.net)");
        }
        if (uri.UserInfo.Length > 0 || endpoint.IndexOfAny(['?', '#']) >= 0)
        {
            throw new FormatException($"the endpoint URL '{AssetLocation.Redact(endpoint)}' carries user credentials or a query; "
                + "they are never stored in a lock or shown: give scheme://host[:port][/path] and pass credentials through the AWS or Azure credential chain");
        }
        return endpoint;
    }
}
