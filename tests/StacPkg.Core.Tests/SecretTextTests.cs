using StacPkg.Core.Lock;
using StacPkg.Core.Stores;

namespace StacPkg.Core.Tests;

public sealed class SecretTextTests
{
    [Theory]
    [InlineData("copy to https://a.blob.core.windows.net/c/x?sv=1&sig=SECRET failed", "copy to https://a.blob.core.windows.net/c/x?sv=***&sig=*** failed")]
    [InlineData("endpoint http://user:SECRET@127.0.0.1:9000/ refused", "endpoint http://127.0.0.1:9000/ refused")]
    [InlineData("'user:SECRET@localhost:5000/stac/pkg:v1' is not a reference", "'localhost:5000/stac/pkg:v1' is not a reference")]
    [InlineData("(s3://b/x?X-Amz-Signature=SECRET&versionId=3:String)", "(s3://b/x?X-Amz-Signature=***&versionId=3:String)")]
    [InlineData("/local/file?token=SECRET", "/local/file?token=***")]
    [InlineData("'user:SECRET@registry' is not an OCI reference", "'registry' is not an OCI reference")]
    // A token in a fragment (OAuth's implicit flow puts access_token there).
    [InlineData("'https://127.0.0.1:5000/stac/pkg:v1#token=SECRET': 'https:' is not a registry", "'https://127.0.0.1:5000/stac/pkg:v1#token=***': 'https:' is not a registry")]
    [InlineData("https://app.example/cb#access_token=SECRET&state=1", "https://app.example/cb#access_token=***&state=1")]
    public void Redact_hides_user_info_and_signing_values(string text, string expected)
    {
        Assert.Equal(expected, SecretText.Redact(text));
    }

    [Theory]
    [InlineData("item 'a' asset 'b': missing")]
    [InlineData("localhost:5000/stac/pkg:v1@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef")]
    [InlineData("https://example.com/x?page=2 and mail me@example.com")]
    [InlineData("C:\\data\\a@b\\x.tif")]
    public void Redact_leaves_text_without_secrets_alone(string text)
    {
        Assert.Same(text, SecretText.Redact(text));
    }
}

public sealed class StoreEndpointTests
{
    [Theory]
    [InlineData("http://127.0.0.1:9000")]
    [InlineData("https://s3.us-east-1.amazonaws.com")]
    [InlineData("http://127.0.0.1:10000/devstoreaccount1")]
    public void Check_accepts_plain_http_urls(string endpoint) => Assert.Same(endpoint, StoreEndpoint.Check(endpoint));

    [Theory]
    [InlineData("http://USER:SECRET@127.0.0.1:9000")]
    [InlineData("http://127.0.0.1:9000/?X-Amz-Signature=SECRET")]
    [InlineData("https://acct.blob.core.windows.net/?sv=1&sig=SECRET")]
    [InlineData("USER:SECRET@127.0.0.1:9000")]
    [InlineData("ftp://USER:SECRET@host")]
    public void Check_refuses_credentials_and_queries_without_showing_them(string endpoint)
    {
        var error = Assert.Throws<FormatException>(() => StoreEndpoint.Check(endpoint));

        Assert.DoesNotContain("SECRET", error.Message);
    }

    [Fact]
    public void A_lock_row_never_holds_an_endpoint_with_a_secret()
    {
        var entry = new AssetLockEntry { StoreEndpointUrl = "http://127.0.0.1:9000" };

        var error = Assert.Throws<FormatException>(() => entry.StoreEndpointUrl = "http://USER:SECRET@127.0.0.1:9000");

        Assert.DoesNotContain("SECRET", error.Message);
        Assert.Equal("http://127.0.0.1:9000", entry.StoreEndpointUrl);
    }

    [Theory]
    [InlineData("http", "http://USER:SECRET@127.0.0.1:8080", "a.bin")]
    [InlineData("https", "https://SECRET@host.example", "a.bin")]
    [InlineData("http", "http://127.0.0.1:8080", "a.bin?sv=1&sig=SECRET")]
    [InlineData("s3", "bucket", "k?X-Amz-Credential=SECRET&X-Amz-Signature=SECRET")]
    [InlineData("file", null, "x?api_key=SECRET")]
    public void A_lock_row_never_holds_a_container_or_key_with_a_secret(string storeType, string? container, string key)
    {
        var entry = new AssetLockEntry { StoreType = storeType, StoreContainer = "bucket", Key = "plain.bin" };

        var error = Assert.Throws<FormatException>(() =>
        {
            entry.StoreContainer = container;
            entry.Key = key;
        });

        Assert.DoesNotContain("SECRET", error.Message);
        Assert.DoesNotContain("SECRET", entry.Href);
    }

    [Theory]
    [InlineData("az", "container", "dir/a b+c%.tif")]
    [InlineData("http", "https://example.com", "tiles/tilejson.json?collection=x&item=y")]
    [InlineData("az", "container@account", "a.bin")]
    public void A_lock_row_keeps_containers_and_keys_that_hold_no_secret(string storeType, string container, string key)
    {
        var entry = new AssetLockEntry { StoreType = storeType, StoreContainer = container, Key = key };

        Assert.Equal(container, entry.StoreContainer);
        Assert.Equal(key, entry.Key);
    }
}
