using System.Text;
using StacPkg.Core.Oci;

namespace StacPkg.Core.Tests.Oci;

public sealed class OciManifestTests
{
    private const string DigestA = "sha256:aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";

    [Fact]
    public void Writes_canonical_json_with_annotations_in_ordinal_order()
    {
        var manifest = new OciManifest
        {
            ArtifactType = OciMediaTypes.Package,
            Layers = [OciDescriptor.Layer(OciMediaTypes.Items, DigestA, 10, "items.parquet")],
            Annotations = new Dictionary<string, string> { ["z"] = "last", ["a"] = "first" },
        };

        var json = Encoding.UTF8.GetString(manifest.ToJson());

        const string Expected = """{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","artifactType":"application/vnd.stacpkg.package.v1+json","config":{"mediaType":"application/vnd.oci.empty.v1+json","digest":"sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a","size":2},"layers":[{"mediaType":"application/vnd.stacpkg.items.v1.parquet","digest":"sha256:aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa","size":10,"annotations":{"org.opencontainers.image.title":"items.parquet"}}],"annotations":{"a":"first","z":"last"}}""";
        Assert.Equal(Expected, json);
    }

    [Fact]
    public void The_empty_config_is_the_digest_of_an_empty_json_object()
    {
        Assert.Equal("sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a", OciDescriptor.EmptyConfig.Digest);
    }

    [Fact]
    public void Parses_what_it_writes()
    {
        var manifest = new OciManifest
        {
            ArtifactType = OciMediaTypes.Package,
            Layers = [OciDescriptor.Layer(OciMediaTypes.Asset, DigestA, 5, "assets/a/b.tif")],
        };

        var parsed = OciManifest.Parse(manifest.ToJson(), "test");

        Assert.Equal(OciMediaTypes.Package, parsed.ArtifactType);
        Assert.Equal(OciDescriptor.EmptyConfig.Digest, parsed.Config.Digest);
        Assert.Equal("assets/a/b.tif", Assert.Single(parsed.Layers).Title);
        Assert.Equal(manifest.ToJson(), parsed.ToJson());
    }

    [Theory]
    [InlineData("""{"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json","manifests":[]}""", "not an OCI image manifest")]
    [InlineData("""{"schemaVersion":1,"config":{}}""", "schemaVersion is not 2")]
    [InlineData("""{"schemaVersion":2}""", "no config")]
    [InlineData("""{"schemaVersion":2,"config":{"mediaType":"x","digest":"sha256:abc","size":2}}""", "not sha256:<64 hex digits>")]
    [InlineData("""{"schemaVersion":2,"config":{"mediaType":"x","digest":"sha256:aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa","size":-1}}""", "no valid size")]
    [InlineData("""{"schemaVersion":2,"config":{"mediaType":"x","digest":"sha256:aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa","size":2},"layers":{}}""", "layers are not an array")]
    [InlineData("""not json""", "not valid JSON")]
    public void Refuses_a_manifest_it_cannot_use(string json, string why)
    {
        var error = Assert.Throws<OciException>(() => OciManifest.Parse(Encoding.UTF8.GetBytes(json), "reg/pkg:v1"));

        Assert.Equal(OciErrorKind.InvalidArtifact, error.Kind);
        Assert.Contains("reg/pkg:v1", error.Message);
        Assert.Contains(why, error.Message);
    }
}
