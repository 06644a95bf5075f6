using StacPkg.Core.Lock;
using StacPkg.Core.Relocation;
using StacPkg.Core.Stores;

namespace StacPkg.Core.Tests.Relocation;

public class RelocationDestinationTests
{
    private static AssetLockEntry Row(string href, string item = "item-1", string asset = "B04") =>
        new() { ItemId = item, AssetKey = asset, StoreType = Parse(href).StoreType, StoreContainer = Parse(href).Container, Key = Parse(href).Key };

    private static AssetLocation Parse(string href) => AssetLocation.Parse(href, null, out _);

    [Fact]
    public void S3_destination_takes_the_endpoint_and_lays_out_item_and_asset()
    {
        var destination = RelocationDestination.Parse("s3://bucket/copies/", "http://127.0.0.1:9000");
        Assert.Equal(new RelocationDestination("s3", "bucket", "http://127.0.0.1:9000", "copies"), destination);
        var target = destination.TargetFor(Row("https://example.com/data/scene%201/B04.TIF"), RelocationLayout.ItemAsset);
        Assert.Equal(new AssetLocation("s3", "bucket", "http://127.0.0.1:9000", "copies/item-1/B04.TIF"), target);
    }

    [Fact]
    public void Ids_are_sanitised_into_one_safe_segment()
    {
        var destination = RelocationDestination.Parse("az://container");
        var target = destination.TargetFor(Row("s3://b/x/a.tar.gz", item: "../a b/c", asset: ".."), RelocationLayout.ItemAsset);
        Assert.Equal("az", target.StoreType);
        Assert.Equal("container", target.Container);
        Assert.Equal(".._a_b_c/__.gz", target.Key);
    }

    [Fact]
    public void SourceKey_keeps_the_decoded_source_key_under_the_prefix()
    {
        var destination = RelocationDestination.Parse("az://c/p");
        Assert.Equal("p/data/scene 1/B04.TIF", destination.TargetFor(Row("https://example.com/data/scene%201/B04.TIF"), RelocationLayout.SourceKey).Key);
        Assert.Equal("p/srv/x/a.tif", destination.TargetFor(Row("/srv/x/a.tif"), RelocationLayout.SourceKey).Key);
    }

    [Fact]
    public void A_folder_resolves_against_the_base_directory()
    {
        var baseDirectory = Path.GetTempPath();
        var destination = RelocationDestination.Parse("copies", baseDirectory: baseDirectory);
        Assert.Equal("file", destination.StoreType);
        Assert.Equal(Path.GetFullPath("copies", baseDirectory), destination.Prefix);
        var target = destination.TargetFor(Row("s3://b/k/a.tif"), RelocationLayout.ItemAsset);
        Assert.Equal(Path.Combine(destination.Prefix, "item-1", "B04.tif"), target.Key);
    }

    [Fact]
    public void An_azure_blob_url_is_an_az_destination()
    {
        var destination = RelocationDestination.Parse("https://acct.blob.core.windows.net/container/some/prefix/");
        Assert.Equal(new RelocationDestination("az", "container", "https://acct.blob.core.windows.net", "some/prefix"), destination);
    }

    [Fact]
    public void A_path_style_url_under_the_credentials_account_is_an_az_destination()
    {
        var destination = RelocationDestination.Parse("http://azurite:10000/myaccount/container/a%20b/", azureAccountEndpoint: "http://AZURITE:10000/myaccount");
        Assert.Equal(new RelocationDestination("az", "container", "http://azurite:10000/myaccount", "a b"), destination);
        // The same URL form for another account, or without a known account, is not guessed.
        Assert.Throws<FormatException>(() => RelocationDestination.Parse("http://azurite:10000/other/container/p", azureAccountEndpoint: "http://azurite:10000/myaccount"));
        Assert.Throws<FormatException>(() => RelocationDestination.Parse("http://azurite:10000/myaccount/container/p"));
    }

    [Fact]
    public void A_url_for_the_emulator_account_is_an_az_destination_on_any_host()
    {
        var destination = RelocationDestination.Parse("http://127.0.0.1:10000/devstoreaccount1/container/prefix");
        Assert.Equal(new RelocationDestination("az", "container", "http://127.0.0.1:10000/devstoreaccount1", "prefix"), destination);
        Assert.Equal("", RelocationDestination.Parse("http://127.0.0.1:10000/devstoreaccount1/container").Prefix);
        Assert.Throws<FormatException>(() => RelocationDestination.Parse("http://127.0.0.1:10000/devstoreaccount1"));
    }

    [Theory]
    [InlineData("https://example.com/folder")]
    [InlineData("http://127.0.0.1:9000/bucket/prefix")]
    [InlineData("gs://bucket/prefix")]
    [InlineData("s3:///prefix")]
    public void Unwritable_destinations_are_refused(string destination) =>
        Assert.Throws<FormatException>(() => RelocationDestination.Parse(destination));
}
