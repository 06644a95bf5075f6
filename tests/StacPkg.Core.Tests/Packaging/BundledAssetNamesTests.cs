using StacPkg.Core.Packaging;

namespace StacPkg.Core.Tests.Packaging;

public class BundledAssetNamesTests
{
    [Theory]
    [InlineData("field/1", "field_1")]
    [InlineData("field\\1", "field_1")]
    [InlineData("field/1", "field\\1")]
    [InlineData("Field", "field")]
    [InlineData("caf\u00e9", "cafe\u0301")]
    [InlineData("CAF\u00c9", "cafe\u0301")]
    public void Ids_that_meet_after_sanitising_or_folding_get_separate_folders(string first, string second)
    {
        var names = new BundledAssetNames();
        var a = names.Assign(first, "data", "x.tif");
        var b = names.Assign(second, "data", "x.tif");

        Assert.NotEqual(BundledAssetNames.Fold(Folder(a)), BundledAssetNames.Fold(Folder(b)));
        // The first keeps the plain name; the second is told apart by a short hash of its id.
        Assert.Equal($"assets/{PackagePaths.Segment(first)}/data.tif", a);
        Assert.Matches(@"^assets/[^/]+~[0-9a-f]{8}/data\.tif$", b);
    }

    [Theory]
    [InlineData("CON", "data")]
    [InlineData("aux", "nul")]
    [InlineData("com1", "LPT9")]
    [InlineData("prn.x", "Nul ")]
    public void Names_Windows_keeps_for_devices_are_never_given(string itemId, string assetKey)
    {
        // Windows cannot create "CON" or "nul.tif" in any folder: a package holding them would not unpack there.
        var path = new BundledAssetNames().Assign(itemId, assetKey, "x.tif");

        Assert.All(path.Split('/'), segment => Assert.DoesNotMatch(@"^(?i:CON|PRN|AUX|NUL|COM[1-9]|LPT[1-9]) *(\.|$)", segment));
    }

    [Fact]
    public void The_same_item_keeps_its_folder_for_every_asset()
    {
        var names = new BundledAssetNames();
        names.Assign("field/1", "data", "x.tif");
        var first = names.Assign("field_1", "data", "x.tif");
        var second = names.Assign("field_1", "thumb", "x.png");
        Assert.Equal(Folder(first), Folder(second));
        Assert.Equal("assets/field_1/thumb.png", names.Assign("field/1", "thumb", "x.png"));
    }

    [Fact]
    public void Asset_keys_that_meet_in_one_folder_get_separate_files()
    {
        var names = new BundledAssetNames();
        var a = names.Assign("i1", "a/b", "x.tif");
        var b = names.Assign("i1", "a_b", "y.tif");
        // A key that already ends in the extension another key gets from its href.
        var c = names.Assign("i1", "data", "x.tif");
        var d = names.Assign("i1", "data.tif", "y");
        Assert.Equal("assets/i1/a_b.tif", a);
        Assert.Matches(@"^assets/i1/a_b~[0-9a-f]{8}\.tif$", b);
        Assert.Equal("assets/i1/data.tif", c);
        Assert.Matches(@"^assets/i1/data\.tif~[0-9a-f]{8}$", d);
    }

    [Fact]
    public void An_id_that_looks_like_a_suffixed_name_does_not_take_it_over()
    {
        var names = new BundledAssetNames();
        names.Assign("field/1", "data", "x.tif");
        var suffixed = Folder(names.Assign("field_1", "data", "x.tif"));
        var literal = names.Assign(suffixed, "data", "x.tif");
        Assert.NotEqual(suffixed, Folder(literal));
    }

    [Fact]
    public void The_same_rows_in_the_same_order_give_the_same_names()
    {
        string[] ids = ["field/1", "field_1", "Field_1", "caf\u00e9", "cafe\u0301"];
        var first = new BundledAssetNames();
        var second = new BundledAssetNames();
        Assert.Equal(ids.Select(id => first.Assign(id, "data", "x.tif")), ids.Select(id => second.Assign(id, "data", "x.tif")));
    }

    private static string Folder(string path) => path.Split('/')[1];
}
