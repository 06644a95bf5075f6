namespace StacPkg.Core.Oci;

/// <summary>
/// A registry operation failed; the message names the reference, layer or blob, never a credential
/// (it passes <see cref="Stores.SecretText.Redact"/>, since it may quote a registry's answer).
/// </summary>
public sealed class OciException : Exception
{
    public OciException(OciErrorKind kind, string message) : base(Stores.SecretText.Redact(message)) => Kind = kind;

    public OciException(OciErrorKind kind, string message, Exception inner) : base(Stores.SecretText.Redact(message), inner) => Kind = kind;

    public OciErrorKind Kind { get; }
}
