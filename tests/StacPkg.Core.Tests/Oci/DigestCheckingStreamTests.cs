using StacPkg.Core.Oci;

namespace StacPkg.Core.Tests.Oci;

/// <summary>Bytes sent for a blob are hashed as they are read and held to the announced digest before the last one is handed on.</summary>
public sealed class DigestCheckingStreamTests
{
    private static readonly byte[] Content = Enumerable.Range(0, 10_000).Select(i => (byte)(i * 7)).ToArray();

    private static BlobDigestCheck CheckOf(byte[] announced) =>
        new(OciDigest.Of(announced), Content.Length, found => new InvalidDataException($"found {found}"));

    /// <summary>Reads in pieces of <paramref name="piece"/> bytes from <paramref name="offset"/>; returns what was handed on before a throw, and the throw.</summary>
    private static (int HandedOn, Exception? Error) ReadAll(BlobDigestCheck check, long offset, int piece)
    {
        using var stream = new DigestCheckingStream(new MemoryStream(Content, (int)offset, Content.Length - (int)offset), check, offset);
        var handedOn = 0;
        var buffer = new byte[piece];
        try
        {
            int read;
            while ((read = stream.Read(buffer)) > 0)
            {
                handedOn += read;
            }
            return (handedOn, null);
        }
        catch (InvalidDataException e)
        {
            return (handedOn, e);
        }
    }

    [Fact]
    public void Bytes_that_are_not_the_announced_blob_fail_the_read_holding_the_last_byte_so_it_is_never_handed_on()
    {
        var announced = (byte[])Content.Clone();
        announced[^1] ^= 1;
        using var check = CheckOf(announced);

        var (handedOn, error) = ReadAll(check, 0, 4096);

        Assert.Contains(OciDigest.Of(Content), Assert.IsType<InvalidDataException>(error).Message);
        Assert.True(handedOn < Content.Length, "the read with the last byte must throw instead of returning it");
        Assert.False(check.Passed);
    }

    [Fact]
    public void Chunks_and_a_retry_from_the_start_hash_each_byte_once()
    {
        using var check = CheckOf(Content);

        // A first attempt that stops after 3000 bytes, then a retry: chunks of 4000 bytes, each opened at its offset.
        using (var first = new DigestCheckingStream(new MemoryStream(Content, 0, 3000), check, 0))
        {
            first.CopyTo(Stream.Null);
        }
        for (var offset = 0; offset < Content.Length; offset += 4000)
        {
            using var chunk = new DigestCheckingStream(new MemoryStream(Content, offset, Math.Min(4000, Content.Length - offset)), check, offset);
            chunk.CopyTo(Stream.Null);
        }

        Assert.True(check.Passed);
        check.Complete();
    }

    [Fact]
    public void A_source_that_ends_early_does_not_pass()
    {
        using var check = CheckOf(Content);
        using (var stream = new DigestCheckingStream(new MemoryStream(Content, 0, Content.Length - 1), check, 0))
        {
            stream.CopyTo(Stream.Null);
        }

        Assert.False(check.Passed);
        Assert.Throws<InvalidDataException>(check.Complete);
    }
}
