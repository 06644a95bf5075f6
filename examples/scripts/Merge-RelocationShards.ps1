<#
.SYNOPSIS
    The last step of a sharded relocation: merges the shard locks into one lock, checked against the
    lock the run started from, and validates the result with checksums.
#>
param(
    [Parameter(Mandatory)] [string] $Lock,
    [Parameter(Mandatory)] [string] $ShardDirectory,
    [Parameter(Mandatory)] [string] $OutPath,
    [string] $EndpointUrl
)
$ErrorActionPreference = 'Stop'
$ProgressPreference = 'SilentlyContinue'
Import-Module StacPkg

# Any row no shard relocated is an error here and no merged lock is written.
$shardLocks = Get-ChildItem -Path $ShardDirectory -Recurse -Filter 'shard-*.lock.parquet'
Merge-StacAssetLock -LiteralPath $shardLocks.FullName -DestinationPath $OutPath -Reference $Lock
$endpoint = if ($EndpointUrl) { @{ EndpointUrl = $EndpointUrl } } else { @{} }
if (-not (Import-StacAssetLock $OutPath | Test-StacAssetLock -Checksum -Quiet @endpoint)) {
    throw "the merged lock $OutPath does not validate"
}
