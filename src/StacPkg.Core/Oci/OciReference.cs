using System.Text.RegularExpressions;
using StacPkg.Core.Stores;

namespace StacPkg.Core.Oci;

/// <summary>
/// An artifact reference, <c>registry[:port]/repository[:tag][@sha256:digest]</c>. The registry is
/// always explicit (no docker.io default): packages are not container images, and guessing a public
/// registry would send a push somewhere the user did not name.
/// </summary>
public sealed partial record OciReference
{
    private OciReference(string registry, string repository, string? tag, string? digest)
    {
        Registry = registry;
        Repository = repository;
        Tag = tag;
        Digest = digest;
    }

    /// <summary>Host and optional port, as written (<c>localhost:5000</c>, <c>ghcr.io</c>).</summary>
    public string Registry { get; }

    public string Repository { get; }

    public string? Tag { get; }

    /// <summary><c>sha256:…</c> when the reference pins a manifest digest.</summary>
    public string? Digest { get; }

    /// <summary>What the manifest endpoint is asked for: the digest when there is one, else the tag.</summary>
    public string ManifestReference => Digest ?? Tag ?? throw new InvalidOperationException("a reference without tag or digest");

    /// <summary>Parses a reference; a missing tag and digest means <paramref name="defaultTag"/> when given.</summary>
    /// <exception cref="FormatException">The text is not a reference; the message says which part is wrong.</exception>
    public static OciReference Parse(string text, string? defaultTag = null)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (SecretText.Redact(text) is var shown && !ReferenceEquals(shown, text))
        {
            // The message names the reference without them, so they reach no log.
            throw new FormatException($"'{shown}' carries user credentials or a token; they are never taken from a reference: pass them as a credential or through the Docker config");
        }
        var slash = text.IndexOf('/', StringComparison.Ordinal);
        if (slash <= 0)
        {
            throw new FormatException($"'{text}' is not an OCI reference: expected registry/repository:tag (for example localhost:5000/stac/austria:v1)");
        }
        var registry = text[..slash];
        var rest = text[(slash + 1)..];
        if (!RegistryPattern().IsMatch(registry))
        {
            throw new FormatException($"'{text}': '{registry}' is not a registry host[:port]");
        }
        string? digest = null;
        var at = rest.IndexOf('@', StringComparison.Ordinal);
        if (at >= 0)
        {
            digest = rest[(at + 1)..];
            rest = rest[..at];
            if (!OciDigest.IsValid(digest))
            {
                throw new FormatException($"'{text}': '{digest}' is not a sha256 digest (sha256: and 64 lowercase hex digits)");
            }
        }
        string? tag = null;
        var colon = rest.LastIndexOf(':');
        if (colon >= 0)
        {
            tag = rest[(colon + 1)..];
            rest = rest[..colon];
            if (!TagPattern().IsMatch(tag))
            {
                throw new FormatException($"'{text}': '{tag}' is not a valid tag (letters, digits, '_', '.', '-'; at most 128; not starting with '.' or '-')");
            }
        }
        if (!RepositoryPattern().IsMatch(rest))
        {
            throw new FormatException($"'{text}': '{rest}' is not a valid repository name (lowercase letters, digits and separators, path components joined by '/')");
        }
        if (tag is null && digest is null)
        {
            tag = defaultTag ?? throw new FormatException($"'{text}' names no tag or digest: add :tag or @sha256:digest");
        }
        return new OciReference(registry, rest, tag, digest);
    }

    public override string ToString() =>
        $"{Registry}/{Repository}{(Tag is null ? "" : ":" + Tag)}{(Digest is null ? "" : "@" + Digest)}";

    // A host name or IPv4 address with an optional port; IPv6 literals in brackets too.
    [GeneratedRegex(@"^(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)*)(:[0-9]{1,5})?$")]
    private static partial Regex RegistryPattern();

    // The distribution spec's repository name grammar.
    [GeneratedRegex(@"^[a-z0-9]+((\.|_|__|-+)[a-z0-9]+)*(/[a-z0-9]+((\.|_|__|-+)[a-z0-9]+)*)*$")]
    private static partial Regex RepositoryPattern();

    [GeneratedRegex(@"^[A-Za-z0-9_][A-Za-z0-9._-]{0,127}$")]
    private static partial Regex TagPattern();
}
