#Requires -Version 7.4
<#
.SYNOPSIS
    Pushing and pulling a 1 GiB package (bundled assets) through a loopback Distribution registry:
    Publish-StacPackage and Save-StacPackage against curl moving the same blobs, in one run.

.DESCRIPTION
    Run on its own after a build: `dotnet pwsh ./bench/Invoke-OciBenchmark.ps1`.

    Builds bench/out/oci-bench.pkg (-AssetCount random files of -AssetSize each, bundled with
    New-StacPackage -IncludeAssets) unless it is there, then, each against a fresh registry
    (tests/Pester/TestServers.ps1, filesystem storage, plain http):
      - Publish-StacPackage, in a child pwsh under GNU time (`/usr/bin/time -v`) for the peak RSS;
      - Save-StacPackage of the same reference into a new folder (every digest checked);
      - the baseline: curl uploading the same files as blobs with the spec's monolithic flow (POST
        for an upload URL, then one PUT of the file with ?digest=), one after the other, and
        downloading them again with GET; curl does no hashing of its own (the registry checks the
        digest on upload, as for Publish-StacPackage). The cmdlets move 4 blobs at a time (their
        default -ThrottleLimit) and, in a second pair of runs, one at a time as curl does.
    Publish-StacPackage reads every file twice (hash, then upload); Save-StacPackage hashes while it
    writes.
    MiB/s of a cmdlet is from its own time inside the child process; the wall time of the process
    (with start-up) and its peak RSS are shown too. Writes the markdown table to the console and
    to bench/out/oci-results.md.

.PARAMETER AssetCount
    Bundled asset files (default 8).

.PARAMETER AssetSize
    Bytes per asset file (default 128 MiB; 8 × 128 MiB = 1 GiB).

.EXAMPLE
    dotnet pwsh ./bench/Invoke-OciBenchmark.ps1
#>
[CmdletBinding()]
param(
    [ValidateRange(1, 10000)]
    [int] $AssetCount = 8,

    [ValidateRange(1, [long]::MaxValue)]
    [long] $AssetSize = 128MB
)

Set-StrictMode -Version Latest
$ErrorActionPreference = 'Stop'
$ProgressPreference = 'SilentlyContinue'

. (Join-Path $PSScriptRoot 'BenchSupport.ps1')
. (Join-Path $repo 'tests/Pester/TestServers.ps1')


# A child pwsh: wall and peak RSS of the process, and Inner, the seconds of $Script alone (after
# start-up and module import, which vary by seconds on a loaded machine).
function Measure-Pwsh([string] $Name, [string] $Script) {
    $run = Measure-Process $Name (@($exe) + $pwshPrefix + @('-NoProfile', '-NonInteractive', '-Command',
            "`$ProgressPreference = 'SilentlyContinue'; Import-Module '$module'; `$watch = [Diagnostics.Stopwatch]::StartNew(); $Script; 'INNER ' + `$watch.Elapsed.TotalSeconds.ToString([cultureinfo]::InvariantCulture)"))
    $inner = $run.Output | Where-Object { "$_" -like 'INNER *' } | Select-Object -Last 1
    $run | Add-Member -NotePropertyName Inner -NotePropertyValue ([double]"$inner".Substring(6))
    $run
}

function Get-TestPackage {
    $pkg = Join-Path $outDir 'oci-bench.pkg'
    $marker = Join-Path $outDir "oci-bench.pkg.$AssetCount-$AssetSize"
    if ((Test-Path -LiteralPath $pkg) -and (Test-Path -LiteralPath $marker)) { return $pkg }
    Remove-Item -LiteralPath $pkg -Recurse -Force -ErrorAction Ignore
    $src = (New-Item -ItemType Directory -Force -Path (Join-Path $outDir 'oci-bench-src')).FullName
    Write-Host "generating $AssetCount × $AssetSize bytes in $src"
    $buffer = [byte[]]::new(1MB)
    $random = [Random]::new(42)
    $items = for ($i = 0; $i -lt $AssetCount; $i++) {
        $file = Join-Path $src "asset-$i.tif"
        $stream = [IO.File]::Create($file)
        try {
            for ($written = 0L; $written -lt $AssetSize; $written += $buffer.Length) {
                $random.NextBytes($buffer)
                $stream.Write($buffer, 0, [int][Math]::Min($buffer.Length, $AssetSize - $written))
            }
        }
        finally { $stream.Dispose() }
        [ordered]@{ type = 'Feature'; stac_version = '1.0.0'; id = "scene-$i"; geometry = $null
            properties = @{ datetime = '2024-01-01T00:00:00Z' }; links = @(); assets = @{ data = @{ href = $file } } } | ConvertTo-Json -Depth 5 -Compress
    }
    $ndjson = Join-Path $outDir 'oci-bench-items.ndjson'
    Set-Content -LiteralPath $ndjson -Value $items
    $null = Measure-Pwsh 'package' "Import-StacItem -Path '$ndjson' | New-StacPackage -Path '$pkg' -IncludeAssets -SourceRoot '$src' | Out-Null"
    Remove-Item -LiteralPath $src -Recurse -Force
    $null = New-Item -ItemType File -Path $marker
    $pkg
}

$pkg = Get-TestPackage
$files = @(Get-ChildItem -LiteralPath $pkg -Recurse -File)
$bytes = ($files | Measure-Object Length -Sum).Sum
$startup = Measure-Pwsh 'startup' ''

$ours = Start-TestRegistry
$serial = Start-TestRegistry
$theirs = Start-TestRegistry
$pulled = Join-Path $outDir 'oci-bench.pulled'
$serialPulled = Join-Path $outDir 'oci-bench.serial'
$curlPulled = Join-Path $outDir 'oci-bench.curl'
try {
    if (-not $ours -or -not $serial -or -not $theirs) { throw 'docker-registry is not installed (apt-get install docker-registry)' }
    Remove-Item -LiteralPath $pulled, $serialPulled, $curlPulled -Recurse -Force -ErrorAction Ignore
    $reference = "$($ours.Host)/bench/pkg:v1"
    $push = Measure-Pwsh 'push' "Publish-StacPackage -Path '$pkg' -Reference '$reference' -PlainHttp | ConvertTo-Json -Compress"
    $descriptor = ($push.Output | Where-Object { "$_" -like '{*' } | Select-Object -Last 1) | ConvertFrom-Json
    # The empty config blob `{}` is 2 bytes more.
    if ($descriptor.BytesTransferred -ne $bytes + 2) { throw "the push sent $($descriptor.BytesTransferred) of $bytes + 2 bytes" }
    $pull = Measure-Pwsh 'pull' "Save-StacPackage -Reference '$reference' -Path '$pulled' -PlainHttp | Out-Null"
    $pulledBytes = (Get-ChildItem -LiteralPath $pulled -Recurse -File | Measure-Object Length -Sum).Sum
    if ($pulledBytes -ne $bytes) { throw "the pull wrote $pulledBytes of $bytes bytes" }
    # One blob at a time, as curl moves them.
    $serialReference = "$($serial.Host)/bench/pkg:v1"
    $serialPush = Measure-Pwsh 'push-serial' "Publish-StacPackage -Path '$pkg' -Reference '$serialReference' -PlainHttp -ThrottleLimit 1 | Out-Null"
    $serialPull = Measure-Pwsh 'pull-serial' "Save-StacPackage -Reference '$serialReference' -Path '$serialPulled' -PlainHttp -ThrottleLimit 1 | Out-Null"

    # The baseline: the same files as blobs, with curl, monolithic POST + PUT, then GET.
    $script = [Text.StringBuilder]::new("set -euo pipefail`n")
    $get = [Text.StringBuilder]::new("set -euo pipefail`nmkdir -p '$curlPulled'`n")
    $i = 0
    foreach ($file in $files) {
        $digest = 'sha256:' + (Get-FileHash -LiteralPath $file.FullName -Algorithm SHA256).Hash.ToLowerInvariant()
        $null = $script.Append("loc=`$(curl -sS -f -X POST -o /dev/null -D - '$($theirs.BaseUrl)/v2/bench/curl/blobs/uploads/' | tr -d '\r' | sed -n 's/^[Ll]ocation: //p')`n")
        $null = $script.Append("case `"`$loc`" in http*) ;; *) loc='$($theirs.BaseUrl)'`"`$loc`" ;; esac`n")
        $null = $script.Append("curl -sS -f -X PUT -H 'Content-Type: application/octet-stream' --upload-file '$($file.FullName)' -o /dev/null `"`$loc&digest=$digest`"`n")
        $null = $get.Append("curl -sS -f -o '$curlPulled/$i.blob' '$($theirs.BaseUrl)/v2/bench/curl/blobs/$digest'`n")
        $i++
    }
    $pushScript = Join-Path $outDir 'oci-curl-push.sh'
    $pullScript = Join-Path $outDir 'oci-curl-pull.sh'
    Set-Content -LiteralPath $pushScript -Value $script.ToString()
    Set-Content -LiteralPath $pullScript -Value $get.ToString()
    $curlPush = Measure-Process 'curl-push' @('bash', $pushScript)
    $curlPull = Measure-Process 'curl-pull' @('bash', $pullScript)
}
finally {
    Stop-TestServer $ours, $serial, $theirs
    Remove-Item -LiteralPath $pulled, $serialPulled, $curlPulled -Recurse -Force -ErrorAction Ignore
}

# MiB/s from the cmdlet's own time (Inner) for pwsh runs, from the wall time for curl.
function Format-Row([string] $What, $Run) {
    $seconds = if ($Run.PSObject.Properties['Inner']) { $Run.Inner } else { $Run.Seconds }
    '| {0} | {1:F1} | {2:F1} | {3:N0} | {4} |' -f $What, $Run.Seconds, $seconds, ($bytes / 1MB / $seconds), ($null -eq $Run.PeakMiB ? 'n/a' : ('{0:N0}' -f $Run.PeakMiB))
}

$lines = [Collections.Generic.List[string]]::new()
$lines.Add(('{0:N0} MiB package: {1} bundled assets of {2:N0} MiB + tables, {3} blobs with the config' -f ($bytes / 1MB), $AssetCount, ($AssetSize / 1MB), ($files.Count + 1)))
$lines.Add('')
$lines.Add('| run | wall s (process) | transfer s | MiB/s | peak RSS MiB |')
$lines.Add('|---|---:|---:|---:|---:|')
$lines.Add((Format-Row 'Publish-StacPackage (hash all, then HEAD + upload, 4 blobs at a time, > 64 MiB in PATCH chunks)' $push))
$lines.Add((Format-Row 'Publish-StacPackage -ThrottleLimit 1 (one blob at a time)' $serialPush))
$lines.Add((Format-Row 'curl POST + monolithic PUT per blob, one after the other (baseline)' $curlPush))
$lines.Add((Format-Row 'Save-StacPackage (GET 4 at a time, sha256 while writing, atomic rename)' $pull))
$lines.Add((Format-Row 'Save-StacPackage -ThrottleLimit 1 (one blob at a time)' $serialPull))
$lines.Add((Format-Row 'curl GET per blob, one after the other (baseline, no digest check)' $curlPull))
$lines.Add('')
$lines.Add(('- transfer s: the cmdlet alone, timed inside its process (pwsh start-up and module import excluded); for curl the wall time. pwsh start-up and import alone: {0:F1} s, peak RSS {1} MiB' -f $startup.Seconds, ($null -eq $startup.PeakMiB ? 'n/a' : ('{0:N0}' -f $startup.PeakMiB))))
$lines.Add('- registry: Debian docker-registry, filesystem storage, plain http on loopback; a fresh registry for each pair of push and pull')
$lines.Add("- machine: $([Environment]::ProcessorCount) cores, $([Runtime.InteropServices.RuntimeInformation]::OSDescription)")
$lines | Set-Content -LiteralPath (Join-Path $outDir 'oci-results.md')
$lines | Write-Host
