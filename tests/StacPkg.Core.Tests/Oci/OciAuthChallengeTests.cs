using StacPkg.Core.Oci;

namespace StacPkg.Core.Tests.Oci;

public sealed class OciAuthChallengeTests
{
    [Fact]
    public void A_bearer_challenge_keeps_commas_inside_quoted_values()
    {
        var challenge = OciAuthChallenge.Parse("Bearer realm=\"https://auth.example/token\",service=\"registry.example\",scope=\"repository:org/pkg:pull,push\"");

        Assert.True(challenge.IsBearer);
        Assert.False(challenge.IsBasic);
        Assert.Equal("https://auth.example/token", challenge.Realm);
        Assert.Equal("registry.example", challenge.Service);
        Assert.Equal("repository:org/pkg:pull,push", challenge.Scope);
    }

    [Fact]
    public void A_basic_challenge_as_the_Distribution_registry_sends_it()
    {
        var challenge = OciAuthChallenge.Parse("Basic realm=\"stacpkg-test\"");

        Assert.True(challenge.IsBasic);
        Assert.Equal("stacpkg-test", challenge.Realm);
        Assert.Null(challenge.Scope);
    }

    [Fact]
    public void Scheme_and_parameter_names_are_case_insensitive_values_may_be_unquoted_or_escaped()
    {
        var challenge = OciAuthChallenge.Parse("bearer REALM=https://auth.example/token , Service=reg, error=\"say \\\"hi\\\"\"");

        Assert.True(challenge.IsBearer);
        Assert.Equal("https://auth.example/token", challenge.Realm);
        Assert.Equal("reg", challenge.Service);
        Assert.Equal("say \"hi\"", challenge.Parameters["error"]);
    }

    [Theory]
    [InlineData("")]
    [InlineData("Bearer realm")]
    [InlineData("Bearer realm=\"unclosed")]
    public void Refuses_a_challenge_that_does_not_parse(string header)
    {
        Assert.Throws<FormatException>(() => OciAuthChallenge.Parse(header));
    }
}
