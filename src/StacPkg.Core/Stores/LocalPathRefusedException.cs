namespace StacPkg.Core.Stores;

/// <summary>A local file a row or href names but may not be read: it lies outside every allowed root, or is hidden.</summary>
public sealed class LocalPathRefusedException : Exception
{
    public LocalPathRefusedException(string key, string message) : base(message) => Key = key;

    /// <summary>The key (path) as the row or href gave it.</summary>
    public string Key { get; }
}
