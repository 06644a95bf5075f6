using System.Text;
using StacPkg.Core.Oci;

namespace StacPkg.Core.Tests.Oci;

public sealed class DockerConfigTests
{
    private static string Auth(string pair) => Convert.ToBase64String(Encoding.UTF8.GetBytes(pair));

    private static OciCredential? Find(string json, string registry) => DockerConfig.Find(Encoding.UTF8.GetBytes(json), registry, "config.json");

    [Theory]
    [InlineData("localhost:5000")]
    [InlineData("https://localhost:5000")]
    [InlineData("https://localhost:5000/v1/")]
    [InlineData("http://LOCALHOST:5000")]
    public void Finds_the_auths_entry_however_its_key_is_written(string key)
    {
        var json = "{\"auths\":{\"other:1\":{\"auth\":\"" + Auth("x:y") + "\"},\"" + key + "\":{\"auth\":\"" + Auth("user:pa:ss") + "\"}}}";
        var credential = Find(json, "localhost:5000");

        Assert.NotNull(credential);
        Assert.Equal("user", credential.UserName);
        Assert.Equal("pa:ss", credential.Password);
    }

    [Fact]
    public void Reads_username_and_password_fields_and_ignores_comments()
    {
        var credential = Find("""
            // written by hand
            {"auths":{"ghcr.io":{"username":"bot","password":"tok"}},"credsStore":"desktop"}
            """, "ghcr.io");

        Assert.Equal("bot", credential!.UserName);
        Assert.Equal("tok", credential.Password);
        Assert.Equal("bot:***", credential.ToString());
    }

    [Theory]
    [InlineData("""{"auths":{"ghcr.io":{"auth":"eDp5"}}}""")]
    [InlineData("""{"credHelpers":{"localhost:5000":"secretservice"}}""")]
    [InlineData("""{"auths":{"localhost:5000":{}}}""")]
    [InlineData("[]")]
    public void No_entry_for_the_registry_means_no_credential(string json)
    {
        Assert.Null(Find(json, "localhost:5000"));
    }

    [Fact]
    public async Task A_missing_file_means_no_credential()
    {
        Assert.Null(await DockerConfig.FindAsync(Path.Combine(Path.GetTempPath(), $"none-{Guid.NewGuid():N}.json"), "localhost:5000", CancellationToken.None));
    }

    [Theory]
    [InlineData("""{"auths":{"localhost:5000":{"auth":"not base64 s3cret!"}}}""", "not base64")]
    [InlineData("""{"auths":{"localhost:5000":{"auth":"czNjcmV0"}}}""", "not user:password")]
    [InlineData("""{"auths": s3cret""", "not valid JSON")]
    public void A_broken_entry_is_an_error_that_names_the_file_and_never_the_secret(string json, string why)
    {
        var error = Assert.Throws<OciException>(() => Find(json, "localhost:5000"));

        Assert.Equal(OciErrorKind.Authentication, error.Kind);
        Assert.Contains(why, error.Message);
        Assert.Contains("config.json", error.Message);
        Assert.DoesNotContain("s3cret", error.Message);
    }
}
