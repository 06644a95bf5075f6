namespace StacPkg.Core.Stores;

/// <summary>
/// A store operation that failed; the message names the location and the reason, never a secret:
/// it passes <see cref="SecretText.Redact"/>, since it may quote an SDK's message, and it reaches
/// validation results as well as error records.
/// </summary>
public sealed class StoreException : Exception
{
    public StoreException(StoreErrorKind kind, string message, Exception? inner = null) : base(SecretText.Redact(message), inner) => Kind = kind;

    public StoreErrorKind Kind { get; }
}
