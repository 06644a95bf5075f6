using System.Text;
using StacPkg.Core.Lock;

namespace StacPkg.Core.Tests.Lock;

public class MultihashTests
{
    // sha256("abc"), a published test vector.
    private const string AbcSha256 = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";

    [Fact]
    public void Sha256_is_1220_and_lowercase_hex_of_the_digest()
    {
        Assert.Equal("1220" + AbcSha256, Multihash.Sha256(Encoding.ASCII.GetBytes("abc")));
    }

    [Fact]
    public void Incremental_hashing_equals_one_shot()
    {
        using var hasher = new MultihashHasher();
        hasher.Append(Encoding.ASCII.GetBytes("a"));
        hasher.Append(Encoding.ASCII.GetBytes("bc"));
        Assert.Equal(3, hasher.Length);
        Assert.Equal("1220" + AbcSha256, hasher.Finish());
        Assert.Equal(0, hasher.Length);
    }

    [Fact]
    public async Task FileChecksum_streams_content_larger_than_its_buffer()
    {
        var data = new byte[1_000_003];
        new Random(7).NextBytes(data);
        Assert.Equal(Multihash.Sha256(data), await FileChecksum.ComputeAsync(new MemoryStream(data), CancellationToken.None));
    }

    [Theory]
    [InlineData("1220" + AbcSha256, true)]
    [InlineData("1220BA7816BF8F01CFEA414140DE5DAE2223B00361A396177A9CB410FF61F20015AD", true)]
    [InlineData(AbcSha256, false)]
    [InlineData("1e20" + AbcSha256, false)]
    [InlineData("1220" + "zz7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", false)]
    [InlineData("1220abc", false)]
    [InlineData("", false)]
    public void TryParseSha256_accepts_only_sha2_256_multihash_hex(string text, bool ok)
    {
        Assert.Equal(ok, Multihash.TryParseSha256(text, out var normalized));
        if (ok) Assert.Equal("1220" + AbcSha256, normalized);
        if (!ok) Assert.Throws<FormatException>(() => Multihash.ParseSha256(text));
    }

    [Fact]
    public void Sha256Equals_ignores_case_and_refuses_non_multihashes()
    {
        Assert.True(Multihash.Sha256Equals("1220" + AbcSha256, ("1220" + AbcSha256).ToUpperInvariant()));
        Assert.False(Multihash.Sha256Equals(AbcSha256, AbcSha256));
        Assert.False(Multihash.Sha256Equals(null, null));
    }
}
