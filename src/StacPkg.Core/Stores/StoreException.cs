namespace StacPkg.Core.Stores;

/// <summary>A store operation that failed; the message names the location (never a secret) and the reason.</summary>
public sealed class StoreException : Exception
{
    public StoreException(StoreErrorKind kind, string message, Exception? inner = null) : base(message, inner) => Kind = kind;

    public StoreErrorKind Kind { get; }
}
