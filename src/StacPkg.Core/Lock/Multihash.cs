using System.Globalization;
using System.Security.Cryptography;

namespace StacPkg.Core.Lock;

/// <summary>
/// Multihash hex strings as the lock's <c>file_checksum</c> holds them: sha2-256 is
/// <c>"1220"</c> (code 0x12, length 32) followed by the 64 hex digits of the digest, lowercase.
/// </summary>
public static class Multihash
{
    /// <summary>The hex prefix of a sha2-256 multihash: function code 0x12, digest length 0x20.</summary>
    public const string Sha2_256Prefix = "1220";

    /// <summary>Length in characters of a sha2-256 multihash hex string.</summary>
    public const int Sha2_256Length = 4 + 2 * SHA256.HashSizeInBytes;

    /// <summary>The multihash of a sha2-256 <paramref name="digest"/>.</summary>
    public static string FromSha256Digest(ReadOnlySpan<byte> digest)
    {
        if (digest.Length != SHA256.HashSizeInBytes)
        {
            throw new ArgumentException($"a sha2-256 digest has {SHA256.HashSizeInBytes} bytes, not {digest.Length}", nameof(digest));
        }
        return Sha2_256Prefix + Convert.ToHexString(digest).ToLowerInvariant();
    }

    /// <summary>The sha2-256 multihash of <paramref name="data"/>.</summary>
    public static string Sha256(ReadOnlySpan<byte> data) => FromSha256Digest(SHA256.HashData(data));

    /// <summary>True when <paramref name="text"/> is a sha2-256 multihash (any case); <paramref name="normalized"/> is its lowercase form.</summary>
    public static bool TryParseSha256(string? text, out string normalized)
    {
        normalized = "";
        if (text is null || text.Length != Sha2_256Length || !text.StartsWith(Sha2_256Prefix, StringComparison.Ordinal))
        {
            return false;
        }
        foreach (var c in text)
        {
            if (!char.IsAsciiHexDigit(c))
            {
                return false;
            }
        }
        normalized = text.ToLowerInvariant();
        return true;
    }

    /// <summary>The lowercase form of a sha2-256 multihash.</summary>
    /// <exception cref="FormatException">Not a sha2-256 multihash hex string.</exception>
    public static string ParseSha256(string text) =>
        TryParseSha256(text, out var normalized)
            ? normalized
            : throw new FormatException($"'{Shorten(text)}' is not a sha2-256 multihash (\"{Sha2_256Prefix}\" and 64 hex digits)");

    /// <summary>True when both are the same sha2-256 multihash (case-insensitive); false when either is not one.</summary>
    public static bool Sha256Equals(string? a, string? b) =>
        TryParseSha256(a, out var x) && TryParseSha256(b, out var y) && x == y;

    /// <summary>Digest lengths in bytes of the hash functions a lock may name, by multihash code (multiformats table).</summary>
    private static readonly Dictionary<ulong, (string Name, int Length)> KnownFunctions = new()
    {
        [0x11] = ("sha1", 20),
        [0x12] = ("sha2-256", 32),
        [0x13] = ("sha2-512", 64),
        [0x14] = ("sha3-512", 64),
        [0x15] = ("sha3-384", 48),
        [0x16] = ("sha3-256", 32),
        [0x17] = ("sha3-224", 28),
        [0x20] = ("sha2-384", 48),
        [0xd5] = ("md5", 16),
        [0xb220] = ("blake2b-256", 32),
        [0xb240] = ("blake2b-512", 64),
        [0xb260] = ("blake2s-256", 32),
        [0x1e] = ("blake3", 32),
    };

    /// <summary>
    /// Why <paramref name="text"/> is not a multihash hex string of a known hash function with the
    /// digest length that function has, or null when it is one.
    /// </summary>
    public static string? Problem(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (text.Length == 0 || text.Length % 2 != 0 || !text.All(char.IsAsciiHexDigit))
        {
            return "is not hex digits in pairs";
        }
        var bytes = Convert.FromHexString(text);
        var offset = 0;
        if (!TryReadVarint(bytes, ref offset, out var code) || !TryReadVarint(bytes, ref offset, out var length))
        {
            return "has no multihash header (function code and digest length)";
        }
        if (!KnownFunctions.TryGetValue(code, out var function))
        {
            return string.Create(CultureInfo.InvariantCulture, $"names the unknown hash function 0x{code:x}");
        }
        if (length != (ulong)function.Length || bytes.Length - offset != function.Length)
        {
            return string.Create(CultureInfo.InvariantCulture,
                $"is not a {function.Name} multihash ({function.Length}-byte digest; the header says {length}, the text holds {bytes.Length - offset})");
        }
        return null;
    }

    /// <summary>An unsigned LEB128 varint, as multihash headers are written; at most 9 bytes.</summary>
    private static bool TryReadVarint(byte[] bytes, ref int offset, out ulong value)
    {
        value = 0;
        for (var shift = 0; shift < 63 && offset < bytes.Length; shift += 7)
        {
            var b = bytes[offset++];
            value |= (ulong)(b & 0x7f) << shift;
            if (b < 0x80) return true;
        }
        return false;
    }

    /// <summary>The start of a long hash, for messages ("1220abcd…").</summary>
    public static string Shorten(string text, int length = 16) => text.Length <= length ? text : text[..length] + "…";
}
