using System.Security.Cryptography;
using System.Text.RegularExpressions;

namespace StacPkg.Core.Oci;

/// <summary>Content digests as the registry writes them: <c>sha256:</c> and 64 lowercase hex digits.</summary>
public static partial class OciDigest
{
    public const string Prefix = "sha256:";

    public static bool IsValid(string? digest) => digest is not null && Pattern().IsMatch(digest);

    public static string Of(ReadOnlySpan<byte> content) => FromHash(SHA256.HashData(content));

    /// <summary>The digest of a finished sha256 hash.</summary>
    public static string FromHash(ReadOnlySpan<byte> hash) => Prefix + Convert.ToHexString(hash).ToLowerInvariant();

    /// <summary>The digest of a lowercase or uppercase hex sha256 (as a package's file list gives it).</summary>
    public static string FromHex(string hex) => Prefix + hex.ToLowerInvariant();

    [GeneratedRegex("^sha256:[a-f0-9]{64}$")]
    private static partial Regex Pattern();
}
