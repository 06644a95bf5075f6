using System.Text;
using StacPkg.Core.Lock;
using StacPkg.Core.Stores;

namespace StacPkg.Core.Relocation;

/// <summary>
/// Where relocated assets go: a store, a container and a key prefix (a folder for the file store).
/// Turns a lock row into its target location under a <see cref="RelocationLayout"/>.
/// </summary>
public sealed record RelocationDestination(string StoreType, string? Container, string? EndpointUrl, string Prefix)
{
    /// <summary>Azurite's fixed development account: a URL path starting with it names an emulator account, whatever the host.</summary>
    public const string EmulatorAccount = "devstoreaccount1";

    /// <summary>
    /// Parses a folder path, <c>s3://bucket/prefix</c>, <c>az://container/prefix</c> or an Azure blob
    /// URL. <paramref name="endpointUrl"/> is the S3-compatible endpoint or Azure account URL for the
    /// s3:// and az:// forms; relative folders resolve against <paramref name="baseDirectory"/>.
    /// </summary>
    /// <remarks>
    /// An http(s) URL is an Azure blob URL when its host is an Azure blob host
    /// (<c>https://account.blob.core.windows.net/container/prefix</c>), or in the path-style form of
    /// emulators and custom endpoints, <c>http://host:port/account/container/prefix</c>, when it lies
    /// under <paramref name="azureAccountEndpoint"/> (the account of the Azure credentials in use, e.g.
    /// the BlobEndpoint of a connection string) or its first path segment is Azurite's
    /// <see cref="EmulatorAccount"/>. Any other URL is refused rather than guessed: it could as well be
    /// an S3-compatible endpoint, which is written as s3://bucket/prefix with an endpoint.
    /// </remarks>
    /// <exception cref="FormatException">Not a writable destination; the message names it without its query.</exception>
    public static RelocationDestination Parse(string destination, string? endpointUrl = null, string? baseDirectory = null, string? azureAccountEndpoint = null)
    {
        ArgumentNullException.ThrowIfNull(destination);
        if (string.IsNullOrWhiteSpace(destination)) throw new FormatException("the destination is empty");
        if (endpointUrl is not null) StoreEndpoint.Check(endpointUrl);
        var shown = AssetLocation.Redact(destination);
        var schemeEnd = destination.IndexOf("://", StringComparison.Ordinal);
        var scheme = schemeEnd > 1 ? destination[..schemeEnd].ToLowerInvariant() : null;
        if (scheme is null || scheme == "file")
        {
            // AssetLocation already knows file URIs and relative paths; a dummy leaf makes it accept a bare folder.
            var folder = scheme is null
                ? (baseDirectory is null ? Path.GetFullPath(destination) : Path.GetFullPath(destination, Path.GetFullPath(baseDirectory)))
                : AssetLocation.Parse(destination.TrimEnd('/') + "/x", null, out _).Key[..^2];
            return new RelocationDestination("file", null, null, folder);
        }
        if (destination.Contains('?')) throw new FormatException($"the destination '{shown}' has a query; credentials go in the store options");
        var rest = destination[(schemeEnd + 3)..];
        var slash = rest.IndexOf('/');
        var container = slash < 0 ? rest : rest[..slash];
        var prefix = slash < 0 ? "" : rest[(slash + 1)..].Trim('/');
        switch (scheme)
        {
            case "s3":
            case "az":
                if (container.Length == 0) throw new FormatException($"the destination '{shown}' names no bucket or container");
                return new RelocationDestination(scheme, container, endpointUrl, prefix);
            case "http":
            case "https":
                // An Azure blob URL: reuse AssetLocation's recognition of the blob hosts.
                var probe = AssetLocation.Parse(destination.TrimEnd('/') + "/x", null, out _);
                if (probe.StoreType == "az")
                {
                    return new RelocationDestination("az", probe.Container, probe.EndpointUrl, probe.Key[..^1].Trim('/'));
                }
                if (PathStyleAzure(destination, azureAccountEndpoint) is { } pathStyle) return pathStyle;
                break;
        }
        throw new FormatException($"the destination '{shown}' is not a folder, s3://bucket/prefix, az://container/prefix or an Azure blob URL "
            + $"(https://account.blob.core.windows.net/container/prefix, or http(s)://host/account/container/prefix under the Azure credentials' account endpoint or for the emulator account {EmulatorAccount})");
    }

    /// <summary>A path-style Azure URL (account in the path) under the known account endpoint or for the emulator account; else null.</summary>
    private static RelocationDestination? PathStyleAzure(string destination, string? azureAccountEndpoint)
    {
        if (!Uri.TryCreate(destination, UriKind.Absolute, out var uri) || !string.IsNullOrEmpty(uri.UserInfo)) return null;
        var origin = uri.GetLeftPart(UriPartial.Authority);
        var segments = uri.AbsolutePath.Split('/', StringSplitOptions.RemoveEmptyEntries);
        string? account = null;
        if (azureAccountEndpoint is not null && Uri.TryCreate(azureAccountEndpoint, UriKind.Absolute, out var known)
            && string.Equals(known.GetLeftPart(UriPartial.Authority), origin, StringComparison.OrdinalIgnoreCase))
        {
            var knownPath = known.AbsolutePath.Trim('/');
            var joined = string.Join('/', segments);
            if (knownPath.Length > 0 && (joined == knownPath || joined.StartsWith(knownPath + "/", StringComparison.Ordinal))) account = knownPath;
        }
        if (account is null && segments.Length > 0 && segments[0] == EmulatorAccount) account = EmulatorAccount;
        if (account is null) return null;
        var rest = segments.Skip(account.Split('/').Length).Select(Uri.UnescapeDataString).ToArray();
        if (rest.Length == 0) throw new FormatException($"the destination '{AssetLocation.Redact(destination)}' names the Azure account {account} but no container");
        return new RelocationDestination("az", rest[0], $"{origin}/{account}", string.Join('/', rest.Skip(1)));
    }

    /// <summary>The target location of <paramref name="entry"/>.</summary>
    public AssetLocation TargetFor(AssetLockEntry entry, RelocationLayout layout)
    {
        ArgumentNullException.ThrowIfNull(entry);
        var relative = layout switch
        {
            RelocationLayout.ItemAsset => $"{Sanitize(entry.ItemId)}/{Sanitize(entry.AssetKey)}{ExtensionOf(entry)}",
            RelocationLayout.SourceKey => RelativeSourceKey(entry),
            _ => throw new ArgumentOutOfRangeException(nameof(layout)),
        };
        if (StoreType == "file")
        {
            return new AssetLocation("file", null, null, Path.Combine(Prefix, relative.Replace('/', Path.DirectorySeparatorChar)));
        }
        return new AssetLocation(StoreType, Container, EndpointUrl, Prefix.Length == 0 ? relative : $"{Prefix}/{relative}");
    }

    /// <summary>An id as one safe path segment: letters, digits, '.', '-', '_' kept, anything else '_'.</summary>
    internal static string Sanitize(string id)
    {
        if (id.Length == 0) return "_";
        var builder = new StringBuilder(id.Length);
        foreach (var c in id)
        {
            builder.Append(char.IsAsciiLetterOrDigit(c) || c is '.' or '-' or '_' ? c : '_');
        }
        var text = builder.ToString();
        // "." and ".." would climb out of the folder.
        return text.Trim('.').Length == 0 ? text.Replace('.', '_') : text;
    }

    private static string ExtensionOf(AssetLockEntry entry)
    {
        var name = DecodedKey(entry);
        var leaf = name[(name.LastIndexOfAny(['/', '\\']) + 1)..];
        var dot = leaf.LastIndexOf('.');
        return dot <= 0 ? "" : "." + Sanitize(leaf[(dot + 1)..]);
    }

    private static string RelativeSourceKey(AssetLockEntry entry)
    {
        var key = DecodedKey(entry).Replace('\\', '/');
        // A drive letter or a root would make the key absolute; it is dropped so the key stays under the prefix.
        if (key.Length >= 2 && char.IsAsciiLetter(key[0]) && key[1] == ':') key = key[2..];
        var segments = key.Split('/', StringSplitOptions.RemoveEmptyEntries);
        if (segments.Length == 0) throw new FormatException($"the row {entry} has no key to keep");
        return string.Join('/', segments.Select(s => s is "." or ".." ? s.Replace('.', '_') : s));
    }

    // http(s) keys keep their percent-encoding; a target key is a raw name.
    private static string DecodedKey(AssetLockEntry entry) =>
        entry.StoreType is "http" or "https" ? Uri.UnescapeDataString(entry.Key) : entry.Key;
}
