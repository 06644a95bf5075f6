namespace StacPkg.Core.Oci;

/// <summary>What went wrong talking to a registry, so a cmdlet can pick the error category.</summary>
public enum OciErrorKind
{
    /// <summary>The registry refused the credentials (or there were none and it wants some).</summary>
    Authentication,

    /// <summary>Authenticated, but not allowed (403).</summary>
    Denied,

    /// <summary>No such repository, tag, manifest or blob.</summary>
    NotFound,

    /// <summary>The artifact is not a stacpkg package, or unsafe or inconsistent (wrong artifactType, bad title, digest mismatch).</summary>
    InvalidArtifact,

    /// <summary>The registry answered something the protocol does not allow, or failed for good.</summary>
    Protocol,
}
