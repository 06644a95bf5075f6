namespace StacPkg.Core.Json;

/// <summary>
/// A JSON object as plain .NET values: null, bool, long, double, string, <see cref="List{T}"/> of
/// values, or another <see cref="JsonMap"/>. Plain values keep the objects friendly in PowerShell
/// (<c>$item.Properties.'eo:cloud_cover'</c>) and cheap to shred into Parquet columns.
/// Keys keep the order in which they were added.
/// </summary>
public sealed class JsonMap : Dictionary<string, object?>
{
    public JsonMap() : base(StringComparer.Ordinal) { }

    public JsonMap(int capacity) : base(capacity, StringComparer.Ordinal) { }

    public JsonMap(IDictionary<string, object?> source) : base(source, StringComparer.Ordinal) { }

    /// <summary>The value under <paramref name="key"/>, or null when the key is absent.</summary>
    public object? Get(string key) => TryGetValue(key, out var value) ? value : null;

    /// <summary>Compact JSON text of this object.</summary>
    public override string ToString() => JsonValueWriter.ToJson(this, indented: false);
}
