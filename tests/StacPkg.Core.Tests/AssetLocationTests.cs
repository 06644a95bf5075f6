using StacPkg.Core.Stores;

namespace StacPkg.Core.Tests;

public class AssetLocationTests
{
    [Theory]
    // http(s): origin as container, key = path without the leading slash, encoding kept
    [InlineData("https://example.com/data/a.tif", "https", "https://example.com", null, "data/a.tif")]
    [InlineData("http://127.0.0.1:8080/x/y.json", "http", "http://127.0.0.1:8080", null, "x/y.json")]
    [InlineData("https://example.com/a%20b%2Bc+d.tif", "https", "https://example.com", null, "a%20b%2Bc+d.tif")]
    [InlineData("https://example.com//leading/slash.tif", "https", "https://example.com", null, "/leading/slash.tif")]
    [InlineData("https://example.com/dir/trailing.", "https", "https://example.com", null, "dir/trailing.")]
    [InlineData("https://example.com/dir/._meta.tif", "https", "https://example.com", null, "dir/._meta.tif")]
    [InlineData("https://example.com/%C3%A9t%C3%A9/100%25.tif", "https", "https://example.com", null, "%C3%A9t%C3%A9/100%25.tif")]
    [InlineData("https://example.com/été/東京.tif", "https", "https://example.com", null, "été/東京.tif")]
    [InlineData("https://example.com/", "https", "https://example.com", null, "")]
    // s3, az, gs: raw object names
    [InlineData("s3://bucket/path/to/a.tif", "s3", "bucket", null, "path/to/a.tif")]
    [InlineData("s3://bucket/a b+c%20d.tif", "s3", "bucket", null, "a b+c%20d.tif")]
    [InlineData("s3://bucket//leading", "s3", "bucket", null, "/leading")]
    [InlineData("s3://bucket/dir/._x.", "s3", "bucket", null, "dir/._x.")]
    [InlineData("s3://bucket/日本/ß.tif", "s3", "bucket", null, "日本/ß.tif")]
    [InlineData("az://container/dir/a b+c.tif", "az", "container", null, "dir/a b+c.tif")]
    [InlineData("gs://bucket/x/y.tif", "gs", "bucket", null, "x/y.tif")]
    // Azure account URL: decoded blob name, account URL as the endpoint
    [InlineData("https://acct.blob.core.windows.net/cont/dir/a.tif", "az", "cont", "https://acct.blob.core.windows.net", "dir/a.tif")]
    [InlineData("https://acct.blob.core.windows.net/cont/a%20b+c%25d/%C3%A9.tif", "az", "cont", "https://acct.blob.core.windows.net", "a b+c%d/é.tif")]
    // absolute paths, Windows and UNC paths kept as given
    [InlineData("/data/a b+c%.tif", "file", null, null, "/data/a b+c%.tif")]
    [InlineData(@"C:\data\scene\b04.tif", "file", null, null, @"C:\data\scene\b04.tif")]
    [InlineData("C:/data/scene/b04.tif", "file", null, null, "C:/data/scene/b04.tif")]
    [InlineData(@"\\server\share\dir\x.tif", "file", null, null, @"\\server\share\dir\x.tif")]
    public void ParsesAndRebuildsExactly(string href, string type, string? container, string? endpoint, string key)
    {
        var location = AssetLocation.Parse(href, baseDirectory: null, out var dropped);

        Assert.Equal(new AssetLocation(type, container, endpoint, key), location);
        Assert.False(dropped);
        Assert.Equal(href, location.ToHref());
        Assert.Equal(location, AssetLocation.Parse(location.ToHref(), null, out _));
    }

    [Theory]
    [InlineData("https://example.com/tilejson.json?collection=x&item=y")]
    [InlineData("http://127.0.0.1:8080/dir/a.bin")]
    [InlineData("https://example.com?x=1")]
    public void A_whole_URL_as_container_with_an_empty_key_is_the_href_as_written(string url)
    {
        // The Python stacpkg's shape for a URL with a query: the whole URL in store_container, key "".
        Assert.Equal(url, new AssetLocation(url.StartsWith("https", StringComparison.Ordinal) ? "https" : "http", url, null, "").ToHref());
    }

    [Theory]
    [InlineData("HTTPS://Example.COM:8443/Path/A.tif", "https://example.com:8443", "Path/A.tif")]
    [InlineData("https://example.com", "https://example.com", "")]
    [InlineData("https://example.com/a.tif#frag", "https://example.com", "a.tif")]
    public void HttpSchemeAndHostAreNormalisedPathIsNot(string href, string container, string key)
    {
        var location = AssetLocation.Parse(href, null, out _);

        Assert.Equal("https", location.StoreType);
        Assert.Equal(container, location.Container);
        Assert.Equal(key, location.Key);
    }

    [Theory]
    [InlineData("file:///data/a%20b%2Bc.tif", "/data/a b+c.tif")]
    [InlineData("file://localhost/data/x.tif", "/data/x.tif")]
    [InlineData("file:/data/x.tif", "/data/x.tif")]
    [InlineData("file:///C:/data/x%C3%A9.tif", "C:/data/xé.tif")]
    [InlineData("file://server/share/x.tif", "//server/share/x.tif")]
    public void FileUrisAreDecodedToPaths(string href, string path)
    {
        var location = AssetLocation.Parse(href, null, out var dropped);

        Assert.Equal(new AssetLocation("file", null, null, path), location);
        Assert.False(dropped);
        Assert.Equal(path, location.ToHref());
    }

    [Fact]
    public void RelativePathsResolveAgainstTheBaseDirectory()
    {
        var baseDir = Path.Combine(Path.GetTempPath(), "pkg", "items");

        var location = AssetLocation.Parse("../assets/a b+c.tif", baseDir, out _);

        Assert.Equal("file", location.StoreType);
        Assert.Equal(Path.Combine(Path.GetTempPath(), "pkg", "assets", "a b+c.tif"), location.Key);
        Assert.Equal(location.Key, location.ToHref());
    }

    [Theory]
    [InlineData("./a.tif")]
    [InlineData("assets/._x.")]
    [InlineData("b04 100%.tif")]
    public void RelativePathsStayRelativeWithoutABase(string href)
    {
        var location = AssetLocation.Parse(href, null, out _);

        Assert.Equal(new AssetLocation("file", null, null, href), location);
        Assert.Equal(href, location.ToHref());
    }

    [Fact]
    public void WindowsPathsAreNotResolvedAgainstTheBase()
    {
        Assert.Equal(@"D:\x\y.tif", AssetLocation.Parse(@"D:\x\y.tif", "/base", out _).Key);
        Assert.Equal(@"\\srv\share\y.tif", AssetLocation.Parse(@"\\srv\share\y.tif", "/base", out _).Key);
    }

    [Theory]
    [InlineData("https://acct.blob.core.windows.net/cont/a.tif?sv=2024-01-01&se=2030-01-01&sp=r&sig=SECRETSIG%3D", "https://acct.blob.core.windows.net/cont/a.tif")]
    [InlineData("https://bucket.s3.amazonaws.com/a.tif?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIASECRET%2F20240101&X-Amz-Signature=SECRETSIG", "https://bucket.s3.amazonaws.com/a.tif")]
    [InlineData("https://storage.googleapis.com/b/a.tif?X-Goog-Signature=SECRETSIG&X-Goog-Credential=SECRET", "https://storage.googleapis.com/b/a.tif")]
    [InlineData("https://example.com/a.tif?version=2", "https://example.com/a.tif")]
    [InlineData("s3://bucket/a.tif?versionId=SECRET", "s3://bucket/a.tif")]
    [InlineData("az://cont/a.tif?sig=SECRETSIG", "az://cont/a.tif")]
    public void QueriesAreDroppedAndReported(string href, string expected)
    {
        var location = AssetLocation.Parse(href, null, out var dropped);

        Assert.True(dropped);
        Assert.Equal(expected, location.ToHref());
        Assert.DoesNotContain("SECRET", location.ToString());
    }

    [Theory]
    [InlineData("ftp://user:SECRET@host/x?sig=SECRET")]
    [InlineData("https://user:SECRET@example.com/x.tif?sig=SECRET")]
    [InlineData("s3://bucket?sig=SECRET")]
    [InlineData("s3://bucket/?X-Amz-Signature=SECRET")]
    [InlineData("https://acct.blob.core.windows.net/cont?sig=SECRET")]
    [InlineData("https://?sig=SECRET")]
    public void FormatErrorsNeverShowTheQueryOrCredentials(string href)
    {
        var error = Assert.Throws<FormatException>(() => AssetLocation.Parse(href, null, out _));

        Assert.DoesNotContain("SECRET", error.Message);
        Assert.DoesNotContain("sig=", error.Message);
    }

    [Fact]
    public void EmptyHrefIsAFormatError() =>
        Assert.Throws<FormatException>(() => AssetLocation.Parse("  ", null, out _));

    [Fact]
    public void RedactRemovesQueryFragmentAndUserInfo()
    {
        Assert.Equal("https://example.com/x.tif", AssetLocation.Redact("https://u:p@example.com/x.tif?sig=1#f"));
        Assert.Equal("/plain/path", AssetLocation.Redact("/plain/path"));
    }

    [Fact]
    public void S3WithACustomEndpointRebuildsThePortableHref()
    {
        var location = new AssetLocation("s3", "bucket", "http://127.0.0.1:4568", "dir/a b.tif");

        Assert.Equal("s3://bucket/dir/a b.tif", location.ToHref());
    }

    [Fact]
    public void AzureWithAnEndpointRebuildsAnEncodedUrl()
    {
        var location = new AssetLocation("az", "cont", "https://acct.blob.core.windows.net/", "a b/é+%.tif");

        Assert.Equal("https://acct.blob.core.windows.net/cont/a%20b/%C3%A9+%25.tif", location.ToHref());
        Assert.Equal(location with { EndpointUrl = "https://acct.blob.core.windows.net" },
            AssetLocation.Parse(location.ToHref(), null, out _));
    }

    [Fact]
    public void UnknownStoreTypeCannotBeRebuilt() =>
        Assert.Throws<FormatException>(() => new AssetLocation("ftp", "x", null, "y").ToHref());
}
