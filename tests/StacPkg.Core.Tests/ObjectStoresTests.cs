using StacPkg.Core.Stores;

namespace StacPkg.Core.Tests;

public class ObjectStoresTests
{
    [Fact]
    public async Task OneStorePerStoreKey()
    {
        await using var stores = new ObjectStores(new StoreOptions());

        var file = stores.For(new AssetLocation("file", null, null, "/a"));
        var http = stores.For(new AssetLocation("https", "https://a.example", null, "x"));

        Assert.IsType<FileStore>(file);
        Assert.Same(file, stores.For(new AssetLocation("file", null, null, "b/c")));
        Assert.IsType<HttpStore>(http);
        Assert.Same(http, stores.For(new AssetLocation("https", "https://a.example", null, "y")));
        Assert.NotSame(http, stores.For(new AssetLocation("https", "https://b.example", null, "x")));
    }

    [Theory]
    [InlineData("gs", "gs store not supported")]
    [InlineData("ftp", "unknown store type 'ftp'")]
    public async Task UnsupportedStoresAreStoreErrors(string type, string message)
    {
        await using var stores = new ObjectStores(new StoreOptions());

        var error = Assert.Throws<StoreException>(() => stores.For(new AssetLocation(type, "b", null, "k")));

        Assert.Equal(StoreErrorKind.Permanent, error.Kind);
        Assert.Contains(message, error.Message);
    }
}
