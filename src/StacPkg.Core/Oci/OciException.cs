namespace StacPkg.Core.Oci;

/// <summary>A registry operation failed; the message names the reference, layer or blob, never a credential.</summary>
public sealed class OciException : Exception
{
    public OciException(OciErrorKind kind, string message) : base(message) => Kind = kind;

    public OciException(OciErrorKind kind, string message, Exception inner) : base(message, inner) => Kind = kind;

    public OciErrorKind Kind { get; }
}
