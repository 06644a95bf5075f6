using System.Security.Cryptography;
using System.Text;

namespace StacPkg.Core.Lock;

/// <summary>A 128-bit digest of a string, to remember millions of names in little memory; a collision is out of reach.</summary>
internal static class TextDigest
{
    public static UInt128 Of(string text)
    {
        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(Encoding.UTF8.GetBytes(text), hash);
        return new UInt128(BitConverter.ToUInt64(hash), BitConverter.ToUInt64(hash[8..]));
    }
}
