<#
.SYNOPSIS
    One job's share of a sharded relocation: copies the assets of its shard of a lock and writes the
    shard's new lock. Run by every job of examples/azure-pipelines-sharded.yml and
    examples/kubernetes/relocation-indexed-job.yaml.
.DESCRIPTION
    The shard comes from the engine: SYSTEM_JOBPOSITIONINPHASE / SYSTEM_TOTALJOBSINPHASE in Azure
    Pipelines, JOB_COMPLETION_INDEX (with -ShardCount) in a Kubernetes Indexed Job. Exits non-zero
    when any row failed, so the engine marks the job failed and the merge reports the missing rows.
#>
param(
    [Parameter(Mandatory)] [string] $Lock,
    [Parameter(Mandatory)] [string] $Destination,
    [Parameter(Mandatory)] [string] $OutDirectory,
    [int] $ShardCount,
    [string] $EndpointUrl,
    [long] $MemoryLimit = 512MB,
    [int] $ThrottleLimit = 8
)
$ErrorActionPreference = 'Stop'
$ProgressPreference = 'SilentlyContinue'
Import-Module StacPkg

$index = if ($env:SYSTEM_JOBPOSITIONINPHASE) { [int]$env:SYSTEM_JOBPOSITIONINPHASE - 1 } else { [int]$env:JOB_COMPLETION_INDEX }
$shardArguments = @{}
if ($ShardCount) { $shardArguments.ShardCount = $ShardCount }
if ($EndpointUrl) { $shardArguments.EndpointUrl = $EndpointUrl }

$null = New-Item -ItemType Directory -Force -Path $OutDirectory
$out = Join-Path $OutDirectory "shard-$index.lock.parquet"
# -ErrorAction Continue: one failed row must not stop the others; the error count decides the exit code.
Import-StacAssetLock $Lock |
    Move-StacAsset -Destination $Destination -MemoryLimit $MemoryLimit -ThrottleLimit $ThrottleLimit @shardArguments -ErrorAction Continue -ErrorVariable failed |
    Export-StacAssetLock $out
if ($failed.Count -gt 0) {
    Write-Error "$($failed.Count) rows of shard $index were not relocated; its lock $out lacks them" -ErrorAction Continue
    exit 1
}
