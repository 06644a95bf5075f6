<#
.SYNOPSIS
    Validates a package and every asset it locks; exits non-zero on any mismatch.
.DESCRIPTION
    A step of examples/azure-pipelines.yml. Test-StacPackage checks the package's own files; then
    every locked asset is checked against its store (size, ETag, last-modified and, with -Checksum,
    the content). Each mismatch is an error naming the item and asset, so the job fails with the
    reasons in its log.
#>
param(
    [Parameter(Mandatory)] [string] $Path,
    [switch] $Checksum,
    [int] $ThrottleLimit = 8
)
$ErrorActionPreference = 'Stop'
$ProgressPreference = 'SilentlyContinue'
Import-Module StacPkg

$null = Test-StacPackage -Path $Path -ErrorAction Continue -ErrorVariable packageErrors
$results = @(Import-StacAssetLock $Path | Test-StacAssetLock -Checksum:$Checksum -ThrottleLimit $ThrottleLimit -ErrorAction Continue -ErrorVariable assetErrors)
$valid = @($results | Where-Object Valid).Count
"$valid of $($results.Count) assets match their lock"
if ($packageErrors.Count + $assetErrors.Count -gt 0) {
    Write-Error "$Path is not valid: $($packageErrors.Count) package checks and $($assetErrors.Count) assets failed" -ErrorAction Continue
    exit 1
}
