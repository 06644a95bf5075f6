using StacPkg.Core.Stores;

namespace StacPkg.Core.Tests;

public sealed class SigningParametersTests
{
    [Theory]
    [InlineData("https://a.blob.core.windows.net/c/x.tif?sv=2024-01-01&se=2030-01-01&sr=b&sp=r&sig=SECRET", "https://a.blob.core.windows.net/c/x.tif", 5)]
    [InlineData("https://b.s3.amazonaws.com/x?X-Amz-Algorithm=AWS4&X-Amz-Credential=SECRET&X-Amz-Date=1&X-Amz-Expires=60&X-Amz-SignedHeaders=host&X-Amz-Signature=SECRET", "https://b.s3.amazonaws.com/x", 6)]
    [InlineData("https://b.s3.amazonaws.com/x?x-amz-security-token=SECRET&versionId=v7", "https://b.s3.amazonaws.com/x?versionId=v7", 1)]
    [InlineData("https://storage.googleapis.com/b/x?X-Goog-Signature=SECRET&X-Goog-Credential=SECRET&generation=5", "https://storage.googleapis.com/b/x?generation=5", 2)]
    [InlineData("https://d.cloudfront.net/x?Expires=1&Signature=SECRET&Key-Pair-Id=K", "https://d.cloudfront.net/x", 3)]
    [InlineData("https://tiles.example/tilejson.json?collection=x&token=SECRET&item=y", "https://tiles.example/tilejson.json?collection=x&item=y", 1)]
    [InlineData("https://example.com/x?access_token=SECRET#part", "https://example.com/x#part", 1)]
    [InlineData("https://example.com/x?%73ig=SECRET&a=1", "https://example.com/x?a=1", 1)]
    [InlineData("./relative/x.tif?sig=SECRET", "./relative/x.tif", 1)]
    // API keys as commercial imagery APIs (Planet, Maxar) and API gateways put them in asset hrefs.
    [InlineData("https://api.example/download?api_key=SECRET&item=7", "https://api.example/download?item=7", 1)]
    [InlineData("https://api.example/download?apikey=SECRET&subscription-key=SECRET", "https://api.example/download", 2)]
    public void Remove_takes_out_only_the_signing_parameters(string href, string expected, int count)
    {
        var kept = SigningParameters.Remove(href, out var removed);

        Assert.Equal(expected, kept);
        Assert.Equal(count, removed);
        Assert.DoesNotContain("SECRET", kept);
    }

    [Theory]
    [InlineData("https://example.com/x?page=2&versionId=3")]
    [InlineData("https://example.com/x")]
    [InlineData("s3://bucket/key with spaces.tif")]
    [InlineData("https://example.com/x?")]
    public void Remove_returns_the_same_string_when_nothing_signs_it(string href)
    {
        Assert.Same(href, SigningParameters.Remove(href, out var removed));
        Assert.Equal(0, removed);
    }

    [Theory]
    [InlineData("sig", true)]
    [InlineData("SIG", true)]
    [InlineData("X-Amz-Anything", true)]
    [InlineData("x-goog-date", true)]
    [InlineData("token", true)]
    [InlineData("versionId", false)]
    [InlineData("signed", false)]
    public void IsSigning_knows_the_parameter_names(string name, bool signing) =>
        Assert.Equal(signing, SigningParameters.IsSigning(name));
}
