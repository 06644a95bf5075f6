namespace StacPkg.Core.Oci;

/// <summary>A content descriptor: what a manifest says about one blob.</summary>
public sealed record OciDescriptor(string MediaType, string Digest, long Size)
{
    /// <summary>Annotations, written in ordinal key order; empty when there are none.</summary>
    public IReadOnlyDictionary<string, string> Annotations { get; init; } = new Dictionary<string, string>();

    /// <summary>The <c>org.opencontainers.image.title</c> annotation, or null.</summary>
    public string? Title => Annotations.TryGetValue(OciMediaTypes.TitleAnnotation, out var title) ? title : null;

    /// <summary>The empty JSON object <c>{}</c> that artifacts without a config point at.</summary>
    public static OciDescriptor EmptyConfig { get; } = new(OciMediaTypes.Empty, OciDigest.Of("{}"u8), 2);

    /// <summary>A layer with its title annotation.</summary>
    public static OciDescriptor Layer(string mediaType, string digest, long size, string title) =>
        new(mediaType, digest, size) { Annotations = new Dictionary<string, string> { [OciMediaTypes.TitleAnnotation] = title } };
}
