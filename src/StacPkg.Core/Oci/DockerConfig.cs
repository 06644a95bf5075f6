using System.Text;
using System.Text.Json;

namespace StacPkg.Core.Oci;

/// <summary>
/// Registry credentials from a Docker config file (<c>config.json</c>): the <c>auths</c> entry for a
/// registry, as <c>auth</c> (base64 of user:password) or <c>username</c>/<c>password</c>. Credential
/// helpers (<c>credsStore</c>, <c>credHelpers</c>) run external programs and are not used.
/// </summary>
public static class DockerConfig
{
    /// <summary>The file Docker reads: <c>$DOCKER_CONFIG/config.json</c>, else <c>~/.docker/config.json</c>.</summary>
    public static string DefaultPath()
    {
        var folder = Environment.GetEnvironmentVariable("DOCKER_CONFIG");
        if (string.IsNullOrEmpty(folder))
        {
            folder = Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".docker");
        }
        return Path.Combine(folder, "config.json");
    }

    /// <summary>The credential for <paramref name="registry"/> (host[:port]) in the file, or null when the file or the entry is missing.</summary>
    /// <exception cref="OciException">The file exists but is not valid JSON, or its entry does not decode; the message names the file, never its secrets.</exception>
    public static async Task<OciCredential?> FindAsync(string path, string registry, CancellationToken cancellationToken)
    {
        if (!File.Exists(path))
        {
            return null;
        }
        var json = await File.ReadAllBytesAsync(path, cancellationToken).ConfigureAwait(false);
        return Find(json, registry, path);
    }

    /// <summary>The credential for <paramref name="registry"/> in config JSON; <paramref name="source"/> names it in errors.</summary>
    public static OciCredential? Find(ReadOnlySpan<byte> json, string registry, string source)
    {
        JsonDocument document;
        try
        {
            var reader = new Utf8JsonReader(json, new JsonReaderOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
            document = JsonDocument.ParseValue(ref reader);
        }
        catch (JsonException ex)
        {
            throw new OciException(OciErrorKind.Authentication, $"the Docker config '{source}' is not valid JSON (line {ex.LineNumber + 1})");
        }
        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Object
                || !document.RootElement.TryGetProperty("auths", out var auths) || auths.ValueKind != JsonValueKind.Object)
            {
                return null;
            }
            foreach (var entry in auths.EnumerateObject())
            {
                if (HostOf(entry.Name).Equals(registry, StringComparison.OrdinalIgnoreCase) && entry.Value.ValueKind == JsonValueKind.Object)
                {
                    return Decode(entry.Value, registry, source);
                }
            }
            return null;
        }
    }

    // Keys are written as "host:port", "https://host" or "https://host/v1/" depending on the tool.
    private static string HostOf(string key)
    {
        var host = key;
        var scheme = host.IndexOf("://", StringComparison.Ordinal);
        if (scheme >= 0)
        {
            host = host[(scheme + 3)..];
        }
        var slash = host.IndexOf('/', StringComparison.Ordinal);
        return slash >= 0 ? host[..slash] : host;
    }

    private static OciCredential? Decode(JsonElement entry, string registry, string source)
    {
        if (entry.TryGetProperty("auth", out var auth) && auth.ValueKind == JsonValueKind.String && auth.GetString() is { Length: > 0 } encoded)
        {
            string pair;
            try
            {
                pair = Encoding.UTF8.GetString(Convert.FromBase64String(encoded));
            }
            catch (FormatException)
            {
                throw new OciException(OciErrorKind.Authentication, $"the Docker config '{source}' has an 'auth' for {registry} that is not base64");
            }
            var colon = pair.IndexOf(':', StringComparison.Ordinal);
            if (colon <= 0)
            {
                throw new OciException(OciErrorKind.Authentication, $"the Docker config '{source}' has an 'auth' for {registry} that is not user:password");
            }
            return new OciCredential(pair[..colon], pair[(colon + 1)..]);
        }
        if (entry.TryGetProperty("username", out var user) && user.ValueKind == JsonValueKind.String
            && entry.TryGetProperty("password", out var password) && password.ValueKind == JsonValueKind.String)
        {
            return new OciCredential(user.GetString()!, password.GetString()!);
        }
        return null;
    }
}
