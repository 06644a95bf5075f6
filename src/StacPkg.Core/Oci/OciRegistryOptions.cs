using StacPkg.Core.Stores;

namespace StacPkg.Core.Oci;

/// <summary>How to reach a registry and how to move blobs.</summary>
public sealed record OciRegistryOptions
{
    /// <summary>64 MiB: below this a blob goes in one PUT, above it in PATCH chunks of this size.</summary>
    public const int DefaultChunkSize = 64 * 1024 * 1024;

    /// <summary>Null for anonymous access.</summary>
    public OciCredential? Credential { get; init; }

    /// <summary>http instead of https (a registry without TLS, as on a developer's loopback).</summary>
    public bool PlainHttp { get; init; }

    /// <summary>Accepts any server certificate. Only when the user asks for it.</summary>
    public bool SkipCertificateCheck { get; init; }

    /// <summary>Blobs up to this size are uploaded in one request; larger ones in chunks of this size.</summary>
    public int ChunkSize { get; init; } = DefaultChunkSize;

    /// <summary>Blobs moved at once: round trips per blob (HEAD, POST, PUT) overlap instead of adding up.</summary>
    public int ThrottleLimit { get; init; } = DefaultThrottleLimit;

    public const int DefaultThrottleLimit = 4;

    public RetryPolicy Retry { get; init; } = RetryPolicy.Default;

    /// <summary>Limit for a response's headers, and for each read of a body.</summary>
    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromSeconds(100);
}
