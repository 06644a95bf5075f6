<#
.SYNOPSIS
    Pushes a package to an OCI registry and writes the pushed digest.
.DESCRIPTION
    A step of examples/azure-pipelines.yml. The registry credentials come from the environment
    variables REGISTRY_USERNAME and REGISTRY_PASSWORD (in Azure Pipelines, secret variables mapped
    in the step's env); without them the push is anonymous, or uses the Docker config's auths.
#>
param(
    [Parameter(Mandatory)] [string] $Path,
    [Parameter(Mandatory)] [string] $Reference,
    [switch] $PlainHttp
)
$ErrorActionPreference = 'Stop'
$ProgressPreference = 'SilentlyContinue'
Import-Module StacPkg

$publish = @{ Path = $Path; Reference = $Reference; PlainHttp = $PlainHttp }
if ($env:REGISTRY_USERNAME) {
    $password = ConvertTo-SecureString $env:REGISTRY_PASSWORD -AsPlainText -Force
    $publish.Credential = [pscredential]::new($env:REGISTRY_USERNAME, $password)
}
$descriptor = Publish-StacPackage @publish
"Published $($descriptor.Reference) as $($descriptor.Digest)"
