using System.Management.Automation;

namespace StacPkg.PowerShell;

/// <summary>
/// The parameters every registry cmdlet shares: the reference, how to authenticate, and how to
/// reach the registry. Only PowerShell types here (see StreamingOperation's remarks): the Core
/// side is in <see cref="OciTransfer"/>.
/// </summary>
public abstract class OciCmdlet : StacCmdlet
{
    /// <summary>registry/repository:tag or registry/repository@sha256:digest.</summary>
    [Parameter(Mandatory = true)]
    [ValidateNotNullOrEmpty]
    public string Reference { get; set; } = "";

    /// <summary>User name and password (or token) for the registry; else the Docker config's entry, else anonymous.</summary>
    [Parameter]
    [Credential]
    public PSCredential? Credential { get; set; }

    /// <summary>The Docker config file to read credentials from, instead of $DOCKER_CONFIG/config.json or ~/.docker/config.json.</summary>
    [Parameter]
    public string? DockerConfigPath { get; set; }

    /// <summary>Talks http to the registry instead of https.</summary>
    [Parameter]
    public SwitchParameter PlainHttp { get; set; }

    /// <summary>Accepts any TLS certificate from the registry.</summary>
    [Parameter]
    public SwitchParameter SkipCertificateCheck { get; set; }

    /// <summary>How many blobs are transferred at once.</summary>
    [Parameter]
    [ValidateRange(1, 64)]
    public int ThrottleLimit { get; set; } = StacPkg.Core.Oci.OciRegistryOptions.DefaultThrottleLimit; // a const: compiled in, loads no Core type
}
