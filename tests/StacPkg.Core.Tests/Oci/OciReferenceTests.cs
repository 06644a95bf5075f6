using StacPkg.Core.Oci;

namespace StacPkg.Core.Tests.Oci;

public sealed class OciReferenceTests
{
    private const string Digest = "sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

    [Theory]
    [InlineData("localhost:5000/stac/austria:v1", "localhost:5000", "stac/austria", "v1", null)]
    [InlineData("127.0.0.1:41234/pkg:latest", "127.0.0.1:41234", "pkg", "latest", null)]
    [InlineData("ghcr.io/org/team/pkg:2024.05_rc-1", "ghcr.io", "org/team/pkg", "2024.05_rc-1", null)]
    [InlineData("registry.example/a__b/c-d.e@" + Digest, "registry.example", "a__b/c-d.e", null, Digest)]
    [InlineData("registry.example:443/pkg:v2@" + Digest, "registry.example:443", "pkg", "v2", Digest)]
    [InlineData("[::1]:5000/pkg:v1", "[::1]:5000", "pkg", "v1", null)]
    public void Parses_registry_repository_tag_and_digest(string text, string registry, string repository, string? tag, string? digest)
    {
        var reference = OciReference.Parse(text);

        Assert.Equal(registry, reference.Registry);
        Assert.Equal(repository, reference.Repository);
        Assert.Equal(tag, reference.Tag);
        Assert.Equal(digest, reference.Digest);
        Assert.Equal(digest ?? tag, reference.ManifestReference);
        Assert.Equal(text, reference.ToString());
    }

    [Fact]
    public void A_missing_tag_takes_the_default_when_one_is_given()
    {
        Assert.Equal("latest", OciReference.Parse("localhost:5000/pkg", "latest").Tag);
        var error = Assert.Throws<FormatException>(() => OciReference.Parse("localhost:5000/pkg"));
        Assert.Contains("no tag or digest", error.Message);
    }

    [Theory]
    [InlineData("pkg:v1", "registry/repository:tag")]
    [InlineData("/pkg:v1", "registry/repository:tag")]
    [InlineData("local_host:5000/pkg:v1", "not a registry host")]
    [InlineData("localhost:5000/Stac/Upper:v1", "not a valid repository name")]
    [InlineData("localhost:5000/stac//double:v1", "not a valid repository name")]
    [InlineData("localhost:5000/stac/pkg-:v1", "not a valid repository name")]
    [InlineData("localhost:5000/pkg:.hidden", "not a valid tag")]
    [InlineData("localhost:5000/pkg:has/slash", "not a valid tag")]
    [InlineData("localhost:5000/pkg@sha256:abc", "not a sha256 digest")]
    [InlineData("localhost:5000/pkg@md5:0123456789abcdef0123456789abcdef", "not a sha256 digest")]
    public void Refuses_what_is_not_a_reference_and_says_which_part(string text, string why)
    {
        var error = Assert.Throws<FormatException>(() => OciReference.Parse(text));

        Assert.Contains(why, error.Message);
    }

    [Theory]
    [InlineData("USER:SECRET@localhost:5000/stac/pkg:v1")]
    [InlineData("https://USER:SECRET@localhost:5000/stac/pkg:v1")]
    [InlineData("localhost:5000/stac/pkg:v1?token=SECRET")]
    [InlineData("USER:SECRET@registry")]
    public void Refuses_credentials_in_a_reference_without_repeating_them(string text)
    {
        var error = Assert.Throws<FormatException>(() => OciReference.Parse(text));

        Assert.Contains("credentials", error.Message);
        Assert.DoesNotContain("SECRET", error.Message);
    }

    [Fact]
    public void A_tag_of_129_characters_is_refused()
    {
        Assert.Equal(128, OciReference.Parse("h:1/p:" + new string('a', 128)).Tag!.Length);
        Assert.Throws<FormatException>(() => OciReference.Parse("h:1/p:" + new string('a', 129)));
    }
}
