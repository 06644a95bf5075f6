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
      - Publish-StacPackage, in a child pwsh under GNU time (`/usr/bin/time -v`) for the peak RSS
        and CPU seconds (user + sys);
      - the peer: curl uploading the same files as blobs with the spec's monolithic flow (POST for
        an upload URL, then one PUT of the file with ?digest=), -ThrottleLimit files at once
        (xargs -P), curl doing no hashing of its own (the registry checks the digest on upload);
      - Save-StacPackage of the same reference into a new folder (every digest checked);
      - the peer: curl GET of every blob, -ThrottleLimit at once, no digest check.
    Ours and curl alternate, -Repeat rounds (default 3), each round against fresh registries; the
    table gives the median of each, and the ratio ours/curl in throughput (curl s / ours s, so
    above 1 is faster than curl) from the cmdlet's own time inside its process (pwsh start-up and
    module import excluded) and from the process wall time. Writes the markdown table to the
    console and to bench/out/oci-results.md.

.PARAMETER AssetCount
    Bundled asset files (default 8).

.PARAMETER AssetSize
    Bytes per asset file (default 128 MiB; 8 × 128 MiB = 1 GiB).

.PARAMETER Repeat
    Rounds of ours and curl alternating (default 3); the table shows medians.

.PARAMETER ThrottleLimit
    Blobs at once, for the cmdlets and for curl (default 4, the cmdlets' default).

.EXAMPLE
    dotnet pwsh ./bench/Invoke-OciBenchmark.ps1
#>
[CmdletBinding()]
param(
    [ValidateRange(1, 10000)]
    [int] $AssetCount = 8,

    [ValidateRange(1, [long]::MaxValue)]
    [long] $AssetSize = 128MB,

    [ValidateRange(1, 99)]
    [int] $Repeat = 3,

    [ValidateRange(1, 64)]
    [int] $ThrottleLimit = 4
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
    Add-CpuSeconds $Name $run
}

# User + sys seconds of the process, from the GNU time report Measure-Process left (null without it).
function Add-CpuSeconds([string] $Name, $Run) {
    $cpu = $null
    $timeFile = Join-Path $outDir "$Name.time"
    if (Test-Path -LiteralPath $timeFile) {
        $cpu = 0.0
        foreach ($m in Select-String -LiteralPath $timeFile -Pattern '(User|System) time \(seconds\): ([\d.]+)') {
            $cpu += [double]::Parse($m.Matches[0].Groups[2].Value, [cultureinfo]::InvariantCulture)
        }
    }
    $Run | Add-Member -NotePropertyName Cpu -NotePropertyValue $cpu -PassThru
}

function Measure-Curl([string] $Name, [string] $Script) {
    $run = Measure-Process $Name @('bash', $Script)
    $run | Add-Member -NotePropertyName Inner -NotePropertyValue $run.Seconds
    Add-CpuSeconds $Name $run
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
$digests = @($files | ForEach-Object { 'sha256:' + (Get-FileHash -LiteralPath $_.FullName -Algorithm SHA256).Hash.ToLowerInvariant() })
$startup = Measure-Pwsh 'startup' ''
$load = @{ Before = (Get-Content -LiteralPath /proc/loadavg -ErrorAction Ignore) }

# curl scripts for one registry: one line per blob, run -ThrottleLimit at once by xargs -P.
function New-CurlScripts([string] $BaseUrl, [string] $Into) {
    $put = Join-Path $outDir 'oci-curl-put-one.sh'
    Set-Content -LiteralPath $put -Value @'
set -euo pipefail
base="$1"; file="$2"; digest="$3"
loc=$(curl -sS -f -X POST -o /dev/null -D - "$base/v2/bench/curl/blobs/uploads/" | tr -d '\r' | sed -n 's/^[Ll]ocation: //p')
case "$loc" in http*) ;; *) loc="$base$loc" ;; esac
case "$loc" in *\?*) sep='&' ;; *) sep='?' ;; esac
curl -sS -f -X PUT -H 'Content-Type: application/octet-stream' --upload-file "$file" -o /dev/null "$loc${sep}digest=$digest"
'@
    $pushList = for ($i = 0; $i -lt $files.Count; $i++) { "$BaseUrl $($files[$i].FullName) $($digests[$i])" }
    $pullList = for ($i = 0; $i -lt $files.Count; $i++) { "$BaseUrl/v2/bench/curl/blobs/$($digests[$i]) $Into/$i.blob" }
    Set-Content -LiteralPath (Join-Path $outDir 'oci-curl-push.list') -Value $pushList
    Set-Content -LiteralPath (Join-Path $outDir 'oci-curl-pull.list') -Value $pullList
    $pushScript = Join-Path $outDir 'oci-curl-push.sh'
    $pullScript = Join-Path $outDir 'oci-curl-pull.sh'
    Set-Content -LiteralPath $pushScript -Value "set -euo pipefail`nxargs -P $ThrottleLimit -L 1 bash '$put' < '$(Join-Path $outDir 'oci-curl-push.list')'"
    Set-Content -LiteralPath $pullScript -Value "set -euo pipefail`nmkdir -p '$Into'`nxargs -P $ThrottleLimit -L 1 sh -c 'curl -sS -f -o `"`$1`" `"`$0`"' < '$(Join-Path $outDir 'oci-curl-pull.list')'"
    $pushScript, $pullScript
}

$runs = @{ push = @(); curlPush = @(); pull = @(); curlPull = @() }
$pulled = Join-Path $outDir 'oci-bench.pulled'
$curlPulled = Join-Path $outDir 'oci-bench.curl'
for ($round = 1; $round -le $Repeat; $round++) {
    $ours = Start-TestRegistry
    $theirs = Start-TestRegistry
    try {
        if (-not $ours -or -not $theirs) { throw 'docker-registry is not installed (apt-get install docker-registry)' }
        Remove-Item -LiteralPath $pulled, $curlPulled -Recurse -Force -ErrorAction Ignore
        $reference = "$($ours.Host)/bench/pkg:v1"
        $pushScript, $pullScript = New-CurlScripts $theirs.BaseUrl $curlPulled
        # Alternate which side goes first, so neither always gets the warmer page cache.
        $pair = if ($round % 2) { 'ours', 'curl' } else { 'curl', 'ours' }
        foreach ($side in $pair) {
            if ($side -eq 'ours') {
                $push = Measure-Pwsh 'push' "Publish-StacPackage -Path '$pkg' -Reference '$reference' -PlainHttp -ThrottleLimit $ThrottleLimit | ConvertTo-Json -Compress"
                $descriptor = ($push.Output | Where-Object { "$_" -like '{*' } | Select-Object -Last 1) | ConvertFrom-Json
                # The empty config blob `{}` is 2 bytes more.
                if ($descriptor.BytesTransferred -ne $bytes + 2) { throw "the push sent $($descriptor.BytesTransferred) of $bytes + 2 bytes" }
                $runs.push += $push
            }
            else { $runs.curlPush += Measure-Curl 'curl-push' $pushScript }
        }
        foreach ($side in $pair) {
            if ($side -eq 'ours') {
                $runs.pull += Measure-Pwsh 'pull' "Save-StacPackage -Reference '$reference' -Path '$pulled' -PlainHttp -ThrottleLimit $ThrottleLimit | Out-Null"
                $pulledBytes = (Get-ChildItem -LiteralPath $pulled -Recurse -File | Measure-Object Length -Sum).Sum
                if ($pulledBytes -ne $bytes) { throw "the pull wrote $pulledBytes of $bytes bytes" }
            }
            else {
                $runs.curlPull += Measure-Curl 'curl-pull' $pullScript
                $curlBytes = (Get-ChildItem -LiteralPath $curlPulled -File | Measure-Object Length -Sum).Sum
                if ($curlBytes -ne $bytes) { throw "curl pulled $curlBytes of $bytes bytes" }
            }
        }
    }
    finally {
        Stop-TestServer $ours, $theirs
        Remove-Item -LiteralPath $pulled, $curlPulled -Recurse -Force -ErrorAction Ignore
    }
}
$load.After = Get-Content -LiteralPath /proc/loadavg -ErrorAction Ignore

function Get-Median([double[]] $Values) {
    $sorted = @($Values | Sort-Object)
    $n = $sorted.Count
    if ($n % 2) { $sorted[($n - 1) / 2] } else { ($sorted[$n / 2 - 1] + $sorted[$n / 2]) / 2 }
}

function Get-Summary($Runs) {
    [pscustomobject]@{
        Wall = Get-Median @($Runs | ForEach-Object Seconds)
        Inner = Get-Median @($Runs | ForEach-Object Inner)
        Cpu = if ($null -ne $Runs[0].Cpu) { Get-Median @($Runs | ForEach-Object Cpu) } else { $null }
        PeakMiB = if ($null -ne $Runs[0].PeakMiB) { ($Runs | Measure-Object PeakMiB -Maximum).Maximum } else { $null }
    }
}

function Format-Row([string] $What, $Ours, $Peer) {
    $ratio = if ($Peer) { '{0:F2}× ({1:F2}×)' -f ($Peer.Inner / $Ours.Inner), ($Peer.Wall / $Ours.Wall) } else { '' }
    '| {0} | {1:F2} | {2:F2} | {3:N0} | {4} | {5} | {6} |' -f $What, $Ours.Wall, $Ours.Inner, ($bytes / 1MB / $Ours.Inner),
        ($null -eq $Ours.Cpu ? 'n/a' : ('{0:F2}' -f $Ours.Cpu)), ($null -eq $Ours.PeakMiB ? 'n/a' : ('{0:N0}' -f $Ours.PeakMiB)), $ratio
}

$push = Get-Summary $runs.push
$curlPush = Get-Summary $runs.curlPush
$pull = Get-Summary $runs.pull
$curlPull = Get-Summary $runs.curlPull
$lines = [Collections.Generic.List[string]]::new()
$lines.Add(('{0:N0} MiB package: {1} bundled assets of {2:N0} MiB + tables, {3} blobs with the config; {4} blobs at a time; median of {5} alternating rounds' -f ($bytes / 1MB), $AssetCount, ($AssetSize / 1MB), ($files.Count + 1), $ThrottleLimit, $Repeat))
$lines.Add('')
$lines.Add('| run | wall s (process) | transfer s | MiB/s | CPU s (user+sys) | peak RSS MiB | ours/curl throughput: transfer (wall) |')
$lines.Add('|---|---:|---:|---:|---:|---:|---:|')
$lines.Add((Format-Row 'Publish-StacPackage' $push $curlPush))
$lines.Add((Format-Row 'curl POST + monolithic PUT per blob (peer)' $curlPush $null))
$lines.Add((Format-Row 'Save-StacPackage (sha256 while writing, package check, atomic rename)' $pull $curlPull))
$lines.Add((Format-Row 'curl GET per blob (peer, no digest check)' $curlPull $null))
$lines.Add('')
$lines.Add(('- transfer s: the cmdlet alone, timed inside its process (pwsh start-up and module import excluded); for curl the wall time. pwsh start-up and import alone: {0:F1} s, peak RSS {1} MiB' -f $startup.Seconds, ($null -eq $startup.PeakMiB ? 'n/a' : ('{0:N0}' -f $startup.PeakMiB))))
$lines.Add('- ratio: curl seconds / ours seconds (above 1: faster than curl), from the transfer times, and in brackets from the process wall times')
$lines.Add('- CPU s: of our process alone, or of bash + curl; the registry''s own CPU (hashing every upload) is not counted on either side')
$lines.Add('- registry: Debian docker-registry, filesystem storage, plain http on loopback; fresh registries each round')
$lines.Add("- load average before / after: $($load.Before) / $($load.After)")
$lines.Add("- machine: $([Environment]::ProcessorCount) cores, $([Runtime.InteropServices.RuntimeInformation]::OSDescription)")
$lines | Set-Content -LiteralPath (Join-Path $outDir 'oci-results.md')
$lines | Write-Host
