using System.Text;
using StacPkg.Core.Json;
using StacPkg.Core.Stac;
using StacPkg.Core.Tests.Support;

namespace StacPkg.Core.Tests;

public sealed class SignedHrefsTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("stacpkg-signed-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static StacItem SignedItem(string id) => StacItem.FromJson((JsonMap)JsonValueReader.Parse(Encoding.UTF8.GetBytes("""
        {"type":"Feature","stac_version":"1.1.0","id":"@ID","geometry":null,"properties":{"datetime":"2024-01-01T00:00:00Z"},
         "links":[{"rel":"via","href":"https://catalog.example/x.json?collection=c&token=TOKENSECRET"},{"rel":"self","href":"https://catalog.example/self.json"}],
         "assets":{
           "data":{"href":"https://a.blob.core.windows.net/c/x.tif?sv=2024-01-01&sig=SASSECRET","roles":["data"],
                   "alternate":{"s3":{"href":"s3://b/x.tif?X-Amz-Credential=CREDSECRET&X-Amz-Signature=AMZSECRET&versionId=v7"},
                                "plain":{"href":"s3://b/y.tif"}}},
           "thumb":{"href":"https://example.com/t.png"}}}
        """.Replace("@ID", id, StringComparison.Ordinal)))!);

    private static StacItem PlainItem(string id) => StacItem.FromJson((JsonMap)JsonValueReader.Parse(Encoding.UTF8.GetBytes(
        """{"type":"Feature","stac_version":"1.1.0","id":"@ID","geometry":null,"properties":{"datetime":"2024-01-02T00:00:00Z"},"links":[],"assets":{"data":{"href":"https://example.com/x.tif?versionId=2"}}}""".Replace("@ID", id, StringComparison.Ordinal)))!);

    private static readonly string[] Secrets = ["TOKENSECRET", "SASSECRET", "CREDSECRET", "AMZSECRET"];

    [Fact]
    public void Remove_gives_a_copy_without_signatures_and_leaves_the_item_alone()
    {
        var item = SignedItem("a");
        var before = JsonValueWriter.ToJson(item.ToJson(), indented: false);

        var unsigned = SignedHrefs.Remove(item, out var removed);

        Assert.Equal(3, removed);
        Assert.NotSame(item, unsigned);
        Assert.Equal(before, JsonValueWriter.ToJson(item.ToJson(), indented: false));
        var json = JsonValueWriter.ToJson(unsigned.ToJson(), indented: false);
        Assert.All(Secrets, s => Assert.DoesNotContain(s, json));
        Assert.Equal("https://a.blob.core.windows.net/c/x.tif", unsigned.Assets["data"].Href);
        var alternates = (JsonMap)unsigned.Assets["data"].AdditionalFields["alternate"]!;
        Assert.Equal("s3://b/x.tif?versionId=v7", ((JsonMap)alternates["s3"]!)["href"]);
        Assert.Equal("https://catalog.example/x.json?collection=c", unsigned.Links[0].Href);
    }

    private static StacItem UserInfoItem() => StacItem.FromJson((JsonMap)JsonValueReader.Parse(Encoding.UTF8.GetBytes("""
        {"type":"Feature","stac_version":"1.1.0","id":"u","geometry":null,"properties":{"datetime":"2024-01-01T00:00:00Z"},
         "links":[{"rel":"self","href":"https://USER:PWSECRET@catalog.example/x.json"}],
         "assets":{
           "data":{"href":"http://USER:PWSECRET@host.example:8080/a.bin?versionId=2",
                   "alternate":{"git":{"href":"https://TOKENSECRET@git.example/r/a.bin"}}},
           "lake":{"href":"abfss://container@account.dfs.core.windows.net/a.bin"}}}
        """))!);

    /// <summary>One signed href per place an href can be (asset, alternate, link), and an Item with none but a '?' and an '@'.</summary>
    private static StacItem OnlySigned(string where) => StacItem.FromJson((JsonMap)JsonValueReader.Parse(Encoding.UTF8.GetBytes("""
        {"type":"Feature","stac_version":"1.1.0","id":"o","geometry":null,"properties":{"datetime":"2024-01-01T00:00:00Z"},
         "links":[{"rel":"self","href":"https://catalog.example/self.json"},{"rel":"via","href":"LINK"}],
         "assets":{"a":{"href":"https://example.com/a.tif?versionId=1","alternate":{"x":{"title":"no href"},"y":{"href":"ALTERNATE"}}},
                   "b":{"href":"ASSET","alternate":"not an object"}}}
        """.Replace(where, "https://example.com/k.tif?sig=SECRET", StringComparison.Ordinal)
             .Replace("LINK", "abfss://container@account.dfs.core.windows.net/l", StringComparison.Ordinal)
             .Replace("ALTERNATE", "s3://b/k.tif?versionId=2", StringComparison.Ordinal)
             .Replace("ASSET", "./local?name.tif", StringComparison.Ordinal)))!);

    public static TheoryData<string> SigningCases() => new() { "signed", "user info", "ASSET", "ALTERNATE", "LINK" };

    private static StacItem SigningCase(string name) => name switch
    {
        "signed" => SignedItem("s"),
        "user info" => UserInfoItem(),
        _ => OnlySigned(name),
    };

    [Theory]
    [MemberData(nameof(SigningCases))]
    public void A_record_is_stripped_as_its_objects_are(string name)
    {
        var item = SigningCase(name);
        var lazy = LazyItems.Of(item);

        var unsigned = SignedHrefs.Remove(item, out var removed);
        var unsignedLazy = SignedHrefs.Remove(lazy, out var removedLazy);

        Assert.True(removed > 0);
        Assert.Equal(removed, removedLazy);
        Assert.NotSame(lazy, unsignedLazy);
        Assert.Equal(StacItemJson.Serialize(unsigned, false), StacItemJson.Serialize(unsignedLazy, false));
        Assert.Equal(StacItemJson.Serialize(item, false), StacItemJson.Serialize(lazy, false));
    }

    [Fact]
    public void A_record_without_a_signed_href_is_passed_on_as_itself_without_being_built()
    {
        foreach (var item in new[] { PlainItem("p"), OnlySigned("nowhere") })
        {
            var lazy = LazyItems.Of(item);

            Assert.Same(lazy, SignedHrefs.Remove(lazy, out var removed));
            Assert.Equal(0, removed);
            Assert.NotNull(lazy.Record);
        }
    }

    [Fact]
    public void Remove_takes_the_credentials_out_of_urls_with_user_info()
    {
        var item = UserInfoItem();

        var unsigned = SignedHrefs.Remove(item, out var removed);

        Assert.Equal(3, removed);
        var json = JsonValueWriter.ToJson(unsigned.ToJson(), indented: false);
        Assert.DoesNotContain("PWSECRET", json);
        Assert.DoesNotContain("TOKENSECRET", json);
        Assert.Equal("http://host.example:8080/a.bin?versionId=2", unsigned.Assets["data"].Href);
        Assert.Equal("https://catalog.example/x.json", unsigned.Links[0].Href);
        // abfs names its container before the '@': no credentials, kept as written.
        Assert.Equal("abfss://container@account.dfs.core.windows.net/a.bin", unsigned.Assets["lake"].Href);
    }

    [Fact]
    public void Remove_returns_the_same_item_when_nothing_is_signed()
    {
        var item = PlainItem("p");

        Assert.Same(item, SignedHrefs.Remove(item, out var removed));
        Assert.Equal(0, removed);
    }

    [Theory]
    [InlineData("items.parquet")]
    [InlineData("items.ndjson")]
    [InlineData("items.json")]
    public async Task Item_files_hold_no_signature_and_warn_once_with_the_count(string name)
    {
        var path = Path.Combine(_dir, name);
        List<string> warnings;
        await using (var writer = StacItemFile.CreateWriter(path))
        {
            foreach (var item in new[] { SignedItem("a"), PlainItem("p"), SignedItem("b") })
            {
                await writer.WriteAsync(item, CancellationToken.None);
            }
            Assert.Empty(writer.Warnings);
            await writer.CompleteAsync(CancellationToken.None);
            warnings = [.. writer.Warnings];
        }

        var warning = Assert.Single(warnings);
        Assert.Contains("from 6 hrefs in 2 Items", warning);
        Assert.Contains("-KeepSignedHref", warning);
        var read = new List<StacItem>();
        await foreach (var result in StacItemFile.ReadAsync(path, CancellationToken.None)) read.Add(result.Item!);
        var json = string.Join("\n", read.Select(i => JsonValueWriter.ToJson(i.ToJson(), indented: false)));
        Assert.All(Secrets, s => Assert.DoesNotContain(s, json));
        Assert.Contains("versionId=v7", json);
        Assert.Contains("collection=c", json);
        if (!name.EndsWith(".parquet", StringComparison.Ordinal))
        {
            var text = await File.ReadAllTextAsync(path);
            Assert.All(Secrets, s => Assert.DoesNotContain(s, text));
        }
    }

    [Theory]
    [InlineData("items.ndjson")]
    [InlineData("items.json")]
    public async Task Item_files_of_records_are_those_of_the_objects_and_warn_alike(string name)
    {
        var warnings = new List<string>();
        foreach (var records in new[] { false, true })
        {
            await using var writer = StacItemFile.CreateWriter(Path.Combine(_dir, $"{records}-{name}"));
            var items = new[] { SignedItem("a"), PlainItem("p"), SignedItem("b") };
            foreach (var item in records ? items.Select(LazyItems.Of) : items)
            {
                await writer.WriteAsync(item, CancellationToken.None);
            }
            await writer.CompleteAsync(CancellationToken.None);
            warnings.Add(Assert.Single(writer.Warnings));
        }

        Assert.Contains("from 6 hrefs in 2 Items", warnings[1]);
        Assert.Equal(warnings[0], warnings[1]);
        Assert.Equal(await File.ReadAllBytesAsync(Path.Combine(_dir, $"False-{name}")), await File.ReadAllBytesAsync(Path.Combine(_dir, $"True-{name}")));
    }

    [Fact]
    public async Task Signed_hrefs_are_kept_when_asked()
    {
        var path = Path.Combine(_dir, "kept.ndjson");
        await using (var writer = StacItemFile.CreateWriter(path, keepSignedHrefs: true))
        {
            await writer.WriteAsync(SignedItem("a"), CancellationToken.None);
            await writer.CompleteAsync(CancellationToken.None);
            Assert.Empty(writer.Warnings);
        }

        var text = await File.ReadAllTextAsync(path);
        Assert.All(Secrets, s => Assert.Contains(s, text));
    }
}
