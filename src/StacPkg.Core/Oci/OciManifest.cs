using System.Text.Encodings.Web;
using System.Text.Json;

namespace StacPkg.Core.Oci;

/// <summary>
/// An OCI image manifest for an artifact. <see cref="ToJson"/> writes it canonically (fixed member
/// order, layers as given, annotations in ordinal key order, no whitespace), so the same content
/// always has the same digest.
/// </summary>
public sealed class OciManifest
{
    /// <summary>Registries refuse larger manifests (4 MiB is the common limit); reading stops here too.</summary>
    public const int MaxSize = 4 * 1024 * 1024;

    public string? ArtifactType { get; init; }
    public OciDescriptor Config { get; init; } = OciDescriptor.EmptyConfig;
    public IReadOnlyList<OciDescriptor> Layers { get; init; } = [];
    public IReadOnlyDictionary<string, string> Annotations { get; init; } = new Dictionary<string, string>();

    /// <remarks>
    /// The relaxed encoder writes '+' in media types as itself, as other implementations do; the
    /// default one would write \u002B, valid JSON with another digest.
    /// </remarks>
    public byte[] ToJson()
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = false, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            json.WriteStartObject();
            json.WriteNumber("schemaVersion", 2);
            json.WriteString("mediaType", OciMediaTypes.ImageManifest);
            if (ArtifactType is not null)
            {
                json.WriteString("artifactType", ArtifactType);
            }
            json.WritePropertyName("config");
            WriteDescriptor(json, Config);
            json.WriteStartArray("layers");
            foreach (var layer in Layers)
            {
                WriteDescriptor(json, layer);
            }
            json.WriteEndArray();
            WriteAnnotations(json, Annotations);
            json.WriteEndObject();
        }
        return buffer.ToArray();
    }

    private static void WriteDescriptor(Utf8JsonWriter json, OciDescriptor descriptor)
    {
        json.WriteStartObject();
        json.WriteString("mediaType", descriptor.MediaType);
        json.WriteString("digest", descriptor.Digest);
        json.WriteNumber("size", descriptor.Size);
        WriteAnnotations(json, descriptor.Annotations);
        json.WriteEndObject();
    }

    private static void WriteAnnotations(Utf8JsonWriter json, IReadOnlyDictionary<string, string> annotations)
    {
        if (annotations.Count == 0)
        {
            return;
        }
        json.WriteStartObject("annotations");
        foreach (var (key, value) in annotations.OrderBy(a => a.Key, StringComparer.Ordinal))
        {
            json.WriteString(key, value);
        }
        json.WriteEndObject();
    }

    /// <summary>Reads a manifest; <paramref name="source"/> names it in errors.</summary>
    /// <exception cref="OciException">Not JSON, or not an OCI image manifest with valid descriptors.</exception>
    public static OciManifest Parse(ReadOnlySpan<byte> json, string source)
    {
        try
        {
            var reader = new Utf8JsonReader(json);
            using var document = JsonDocument.ParseValue(ref reader);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                throw Invalid(source, "it is not a JSON object");
            }
            var mediaType = OptionalString(root, "mediaType");
            if (mediaType is not null && mediaType != OciMediaTypes.ImageManifest)
            {
                throw Invalid(source, $"its mediaType is '{mediaType}', not an OCI image manifest");
            }
            if (!root.TryGetProperty("schemaVersion", out var version) || version.ValueKind != JsonValueKind.Number || version.GetInt32() != 2)
            {
                throw Invalid(source, "its schemaVersion is not 2");
            }
            if (!root.TryGetProperty("config", out var config))
            {
                throw Invalid(source, "it has no config");
            }
            var layers = new List<OciDescriptor>();
            if (root.TryGetProperty("layers", out var layerArray))
            {
                if (layerArray.ValueKind != JsonValueKind.Array)
                {
                    throw Invalid(source, "its layers are not an array");
                }
                var index = 0;
                foreach (var layer in layerArray.EnumerateArray())
                {
                    layers.Add(ReadDescriptor(layer, source, $"layer {index++}"));
                }
            }
            return new OciManifest
            {
                ArtifactType = OptionalString(root, "artifactType"),
                Config = ReadDescriptor(config, source, "config"),
                Layers = layers,
                Annotations = ReadAnnotations(root, source, "manifest"),
            };
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException or FormatException)
        {
            throw Invalid(source, $"it is not valid JSON ({ex.Message})");
        }
    }

    private static OciDescriptor ReadDescriptor(JsonElement element, string source, string what)
    {
        if (element.ValueKind != JsonValueKind.Object)
        {
            throw Invalid(source, $"its {what} is not an object");
        }
        var mediaType = OptionalString(element, "mediaType") ?? throw Invalid(source, $"its {what} has no mediaType");
        var digest = OptionalString(element, "digest");
        if (!OciDigest.IsValid(digest))
        {
            throw Invalid(source, $"its {what} has digest '{digest}', not sha256:<64 hex digits>");
        }
        if (!element.TryGetProperty("size", out var size) || size.ValueKind != JsonValueKind.Number || !size.TryGetInt64(out var length) || length < 0)
        {
            throw Invalid(source, $"its {what} has no valid size");
        }
        return new OciDescriptor(mediaType, digest!, length) { Annotations = ReadAnnotations(element, source, what) };
    }

    private static Dictionary<string, string> ReadAnnotations(JsonElement element, string source, string what)
    {
        var annotations = new Dictionary<string, string>(StringComparer.Ordinal);
        if (!element.TryGetProperty("annotations", out var map))
        {
            return annotations;
        }
        if (map.ValueKind != JsonValueKind.Object)
        {
            throw Invalid(source, $"the annotations of its {what} are not an object");
        }
        foreach (var property in map.EnumerateObject())
        {
            annotations[property.Name] = property.Value.ValueKind == JsonValueKind.String
                ? property.Value.GetString()!
                : throw Invalid(source, $"annotation '{property.Name}' of its {what} is not a string");
        }
        return annotations;
    }

    private static string? OptionalString(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static OciException Invalid(string source, string why) =>
        new(OciErrorKind.InvalidArtifact, $"the manifest of {source} is not usable: {why}");
}
