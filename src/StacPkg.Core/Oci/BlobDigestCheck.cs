using System.Security.Cryptography;

namespace StacPkg.Core.Oci;

/// <summary>
/// The check of one blob's bytes against the digest announced for it, fed by every
/// <see cref="DigestCheckingStream"/> that reads them (the chunks of an upload, a retry from the
/// start). Each byte is hashed once, in order; when the last one arrives, the digest is compared
/// before that byte is handed on, so a mismatch fails the read that would complete the upload.
/// One blob's reads follow each other (chunks in order, attempts one after another), never at once.
/// </summary>
internal sealed class BlobDigestCheck(string digest, long size, Func<string, Exception> mismatch) : IDisposable
{
    private readonly IncrementalHash _hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
    private long _hashed;
    private string? _actual;

    /// <summary>True once every byte was hashed and the digest matched.</summary>
    public bool Passed => _actual == digest;

    /// <summary>
    /// Takes <paramref name="data"/>, read at <paramref name="position"/> of the blob: bytes not hashed
    /// yet are hashed (a re-read of earlier bytes is not). Throws the mismatch once all <c>size</c>
    /// bytes are in and their digest is not the announced one.
    /// </summary>
    /// <exception cref="Exception">The exception <c>mismatch</c> makes from the actual digest.</exception>
    public void Append(long position, ReadOnlySpan<byte> data)
    {
        var skip = _hashed - position;
        if (skip >= 0 && skip < data.Length)
        {
            _hash.AppendData(data[(int)skip..]);
            _hashed += data.Length - skip;
        }
        if (_hashed >= size && position + data.Length >= size)
        {
            _actual ??= OciDigest.FromHash(_hash.GetCurrentHash());
            if (_actual != digest)
            {
                throw mismatch(_actual);
            }
        }
    }

    /// <summary>Throws the mismatch unless every byte was hashed and matched (a source that ended early fails too).</summary>
    public void Complete()
    {
        if (!Passed)
        {
            throw mismatch(_actual ?? OciDigest.FromHash(_hash.GetCurrentHash()));
        }
    }

    public void Dispose() => _hash.Dispose();
}
