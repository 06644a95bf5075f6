#Requires -Version 7.4
<#
.SYNOPSIS
    Building a package from many Items: New-StacPackage -NoProbe, wall time and peak RSS at 10,000
    and 100,000 Items.

.DESCRIPTION
    Run on its own after a build: `dotnet pwsh ./bench/Invoke-PackageBenchmark.ps1`.

    For each count it uses bench/out/items-<N>.ndjson (generating it with ../shared/bench/gen_items.py
    when missing) and runs, in a child pwsh process under GNU time (`/usr/bin/time -v`) for the peak
    RSS, `Import-StacItem items-<N>.ndjson | New-StacPackage -NoProbe -Force`. Wall time includes
    pwsh start-up and module import; the start-up alone is measured too, so the table shows both.
    Writes the markdown table to the console and to bench/out/package-results.md.

.PARAMETER Counts
    Item counts (default 10000, 100000).

.PARAMETER ProbeItems
    Items for the probing case (default 1000, 10 assets each): small objects on a loopback nginx
    (tests/Pester/TestServers.ps1), packaged with probing (HEAD per asset, -ThrottleLimit 16). 0 skips it.

.EXAMPLE
    dotnet pwsh ./bench/Invoke-PackageBenchmark.ps1 -Counts 10000, 100000
#>
[CmdletBinding()]
param(
    [ValidateRange(1, 10000000)]
    [int[]] $Counts = @(10000, 100000),

    [ValidateRange(0, 1000000)]
    [int] $ProbeItems = 1000
)

Set-StrictMode -Version Latest
$ErrorActionPreference = 'Stop'
$ProgressPreference = 'SilentlyContinue'

. (Join-Path $PSScriptRoot 'BenchSupport.ps1')


# One child pwsh running $Script: wall seconds and peak RSS (MiB; null without GNU time).
function Measure-Child([string] $Name, [string] $Script) {
    Measure-Process -Name "package-$Name" -Argv (@($exe) + $pwshPrefix + @('-NoProfile', '-NonInteractive', '-Command', $Script))
}

$startup = Measure-Child 'startup' "Import-Module '$module'"
$rows = foreach ($n in $Counts) {
    $items = Get-ItemsFile $n
    $pkg = Join-Path $outDir "package-$n.pkg"
    $run = Measure-Child "build-$n" "Import-Module '$module'; `$ProgressPreference = 'SilentlyContinue'; Import-StacItem -Path '$items' | New-StacPackage -Path '$pkg' -NoProbe -Force -WarningAction SilentlyContinue | Out-Null"
    $info = & $exe @pwshPrefix -NoProfile -NonInteractive -Command "Import-Module '$module'; Get-StacPackage -Path '$pkg' | ConvertTo-Json -Depth 3" | ConvertFrom-Json
    if ($info.ItemCount -ne $n) { throw "package of $n items holds $($info.ItemCount)" }
    [pscustomobject]@{
        Items        = $n
        Seconds      = $run.Seconds
        ItemsPerSec  = $n / ($run.Seconds - $startup.Seconds)
        PeakMiB      = $run.PeakMiB
        Assets       = $info.AssetCount
        ItemsMiB     = ($info.Files | Where-Object Path -eq 'items.parquet').Size / 1MB
    }
    Remove-Item -LiteralPath $pkg -Recurse -Force
}

# Probing: every asset is a HEAD to a loopback nginx.
$probe = $null
if ($ProbeItems -gt 0) {
    . (Join-Path $repo 'tests/Pester/TestServers.ps1')
    $nginx = Start-TestNginx
    if ($nginx) {
        try {
            $objects = (New-Item -ItemType Directory -Path (Join-Path $nginx.Root 'objects')).FullName
            $payload = [byte[]]::new(1024)
            $itemsPath = Join-Path $outDir "probe-items-$ProbeItems.ndjson"
            $writer = [IO.StreamWriter]::new($itemsPath)
            try {
                for ($i = 0; $i -lt $ProbeItems; $i++) {
                    $assets = [ordered]@{}
                    for ($j = 0; $j -lt 10; $j++) {
                        [IO.File]::WriteAllBytes((Join-Path $objects "o$i-$j.bin"), $payload)
                        $assets["a$j"] = @{ href = "$($nginx.BaseUrl)/objects/o$i-$j.bin"; roles = @('data') }
                    }
                    $item = [ordered]@{ type = 'Feature'; stac_version = '1.0.0'; id = "probe-$i"; geometry = $null
                        properties = @{ datetime = '2024-01-01T00:00:00Z' }; links = @(); assets = $assets }
                    $writer.WriteLine(($item | ConvertTo-Json -Depth 6 -Compress))
                }
            }
            finally { $writer.Dispose() }
            $pkg = Join-Path $outDir 'package-probe.pkg'
            $run = Measure-Child 'probe' "Import-Module '$module'; `$ProgressPreference = 'SilentlyContinue'; Import-StacItem -Path '$itemsPath' | New-StacPackage -Path '$pkg' -ThrottleLimit 16 -Force | Out-Null"
            $probe = [pscustomobject]@{ Items = $ProbeItems; Seconds = $run.Seconds; ItemsPerSec = $ProbeItems / ($run.Seconds - $startup.Seconds); PeakMiB = $run.PeakMiB }
            Remove-Item -LiteralPath $pkg -Recurse -Force
        }
        finally { Stop-TestServer $nginx }
    }
}

$lines = [Collections.Generic.List[string]]::new()
$lines.Add('| items | wall s (with pwsh start-up) | items/s (start-up excluded) | peak RSS MiB | lock rows | items.parquet MiB |')
$lines.Add('|---:|---:|---:|---:|---:|---:|')
foreach ($r in $rows) {
    $lines.Add(('| {0:N0} | {1:F1} | {2:N0} | {3} | {4:N0} | {5:F1} |' -f $r.Items, $r.Seconds, $r.ItemsPerSec, ($null -eq $r.PeakMiB ? 'n/a' : ('{0:N0}' -f $r.PeakMiB)), $r.Assets, $r.ItemsMiB))
}
if ($probe) {
    $lines.Add('')
    $lines.Add('| probed (nginx, 10 assets/item, -ThrottleLimit 16) | wall s | items/s (start-up excluded) | HEADs/s | peak RSS MiB |')
    $lines.Add('|---:|---:|---:|---:|---:|')
    $lines.Add(('| {0:N0} | {1:F1} | {2:N0} | {3:N0} | {4} |' -f $probe.Items, $probe.Seconds, $probe.ItemsPerSec, (10 * $probe.ItemsPerSec), ($null -eq $probe.PeakMiB ? 'n/a' : ('{0:N0}' -f $probe.PeakMiB))))
}
$lines.Add('')
$lines.Add(('- pwsh start-up and module import alone: {0:F1} s, peak RSS {1} MiB' -f $startup.Seconds, ($null -eq $startup.PeakMiB ? 'n/a' : ('{0:N0}' -f $startup.PeakMiB))))
$lines.Add("- command: Import-StacItem items-<N>.ndjson | New-StacPackage -NoProbe -Force (input from ../shared/bench/gen_items.py)")
$lines.Add("- machine: $([Environment]::ProcessorCount) cores, $([Runtime.InteropServices.RuntimeInformation]::OSDescription)")
$lines | Set-Content -LiteralPath (Join-Path $outDir 'package-results.md')
$lines | Write-Host
