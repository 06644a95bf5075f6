using System.Security.Cryptography;
using System.Text;
using StacPkg.Core.Lock;

namespace StacPkg.Core.Packaging;

/// <summary>
/// Gives each bundled asset its own package path. <see cref="PackagePaths.AssetPath"/> sanitises ids
/// and keys, so different ones can meet (<c>field/1</c> and <c>field_1</c>), and a package must also
/// unpack on file systems that ignore case (<c>Field</c>, <c>field</c>) or Unicode normalisation
/// (NFC <c>é</c>, NFD <c>e&#x301;</c>). Names are compared that way; a name already given to another
/// id or key gets a short suffix from a hash of the original (<c>field_1~3f2a9c1e</c>). Names are
/// assigned in call order, so the same rows in the same order give the same package.
/// </summary>
public sealed class BundledAssetNames
{
    private const char SuffixMark = '~';

    // Folded name → digest of the original that holds it. Digests, not strings: a lock may have millions of rows.
    private readonly Dictionary<UInt128, UInt128> _folders = new();
    private readonly Dictionary<UInt128, UInt128> _files = new();

    /// <summary>The package-relative path (with '/') for the asset <paramref name="assetKey"/> of item <paramref name="itemId"/>.</summary>
    public string Assign(string itemId, string assetKey, string href)
    {
        var folder = Claim(_folders, "", PackagePaths.Segment(itemId), "", itemId);
        var file = Claim(_files, folder + "/", PackagePaths.Segment(assetKey), PackagePaths.Extension(href), AssetRowKeys.Pair(itemId, assetKey));
        return $"{PackagePaths.AssetsFolder}/{folder}/{file}";
    }

    /// <summary>The first of name, name~hash, name~hash2… that is free or already <paramref name="original"/>'s.</summary>
    private static string Claim(Dictionary<UInt128, UInt128> claims, string parent, string name, string extension, string original)
    {
        var owner = TextDigest.Of(original);
        for (var attempt = 0; ; attempt++)
        {
            var candidate = attempt == 0 ? name + extension : $"{name}{SuffixMark}{Suffix(original, attempt)}{extension}";
            var folded = TextDigest.Of(Fold(parent + candidate));
            if (claims.TryAdd(folded, owner) || claims[folded] == owner)
            {
                return candidate;
            }
        }
    }

    // Eight hex digits of the original's hash: short, and the same on every run; a further attempt hashes a counter in.
    private static string Suffix(string original, int attempt)
    {
        var text = attempt == 1 ? original : $"{original}\0{attempt}";
        return Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(text)).AsSpan(0, 4)).ToLowerInvariant();
    }

    /// <summary>What case-insensitive, normalisation-insensitive file systems see: NFC, upper case.</summary>
    internal static string Fold(string name)
    {
        try
        {
            name = name.Normalize(NormalizationForm.FormC);
        }
        catch (ArgumentException)
        {
            // Not valid UTF-16 (a lone surrogate): nothing to normalise, compare as it is.
        }
        return name.ToUpperInvariant();
    }
}
