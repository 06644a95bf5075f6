using System.Security.Cryptography;

namespace StacPkg.Core.Lock;

/// <summary>
/// Computes a sha2-256 multihash incrementally, so content can be hashed while it streams past
/// (during a copy, a download, a validation) without being read twice.
/// </summary>
public sealed class MultihashHasher : IDisposable
{
    private readonly IncrementalHash _hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);

    /// <summary>Bytes hashed since creation or the last <see cref="Finish"/>.</summary>
    public long Length { get; private set; }

    public void Append(ReadOnlySpan<byte> data)
    {
        _hash.AppendData(data);
        Length += data.Length;
    }

    /// <summary>The multihash of everything appended; the hasher starts over afterwards.</summary>
    public string Finish()
    {
        Span<byte> digest = stackalloc byte[SHA256.HashSizeInBytes];
        _hash.GetHashAndReset(digest);
        Length = 0;
        return Multihash.FromSha256Digest(digest);
    }

    public void Dispose() => _hash.Dispose();
}
