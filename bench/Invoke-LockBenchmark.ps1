#Requires -Version 7.4
<#
.SYNOPSIS
    Validating an asset lock: Test-StacAssetLock side by side with `curl --parallel` HEADs, in one run.

.DESCRIPTION
    Run by `dotnet pwsh ./build.ps1 -Task Bench` after the Items benchmark, or on its own after a build.

    For each store that is available (http on a loopback nginx; s3 on s3rver and az on Azurite when
    tests/servers has them) it puts -Count small objects in the store and writes Items that point at
    them (10 assets per Item). Then one child pwsh process imports the module and, timed inside that
    process with a stopwatch, for each store:
      lock     Import-StacItem items.ndjson | New-StacAssetLock -ThrottleLimit N | Export-StacAssetLock
      validate Import-StacAssetLock lock.parquet | Test-StacAssetLock -ThrottleLimit N
    Side by side, in the same run and over the same objects:
      curl     curl -s -I --parallel --parallel-max N -K urls.cfg
    (urls.cfg: one `url = "…"` line per asset with `output = "/dev/null"`; for Azurite each URL carries
    a SAS, which is only ever in the config file, never printed.)
    pwsh start-up and module import are timed separately, as child processes of their own.

    Writes the markdown table to the console and to bench/out/lock-results.md.

.PARAMETER Count
    Objects per store (default 10000).

.PARAMETER ThrottleLimit
    Concurrency for both sides (-ThrottleLimit and --parallel-max; default 16).

.PARAMETER Repeat
    Validation runs per store on each side (default 3); the best is reported.

.PARAMETER Store
    Which stores to run: http, s3, az (default all; a store whose server is missing is reported as skipped).

.EXAMPLE
    dotnet pwsh ./bench/Invoke-LockBenchmark.ps1 -Count 10000
#>
[CmdletBinding()]
param(
    [ValidateRange(10, 1000000)]
    [int] $Count = 10000,

    [ValidateRange(1, 1024)]
    [int] $ThrottleLimit = 16,

    [ValidateSet('http', 's3', 'az')]
    [string[]] $Store = @('http', 's3', 'az'),

    # Validation runs per store, on both sides; the best is reported.
    [ValidateRange(1, 20)]
    [int] $Repeat = 3
)

Set-StrictMode -Version Latest
$ErrorActionPreference = 'Stop'
$ProgressPreference = 'SilentlyContinue'

. (Join-Path $PSScriptRoot 'BenchSupport.ps1')
if (-not (Get-Command curl -ErrorAction SilentlyContinue)) {
    throw 'curl is not on PATH'
}
. (Join-Path $repo 'tests/Pester/TestServers.ps1')
$work = Join-Path $outDir 'lock'
if (Test-Path -LiteralPath $work) {
    Remove-Item -LiteralPath $work -Recurse -Force
}
$null = New-Item -ItemType Directory -Path $work


function Measure-Child([string] $Script) {
    $watch = [Diagnostics.Stopwatch]::StartNew()
    $output = & $exe @pwshPrefix -NoProfile -NonInteractive -Command $Script 2>&1
    $watch.Stop()
    if ($LASTEXITCODE -ne 0) {
        throw "child pwsh failed ($LASTEXITCODE): $($output -join "`n")"
    }
    [pscustomobject]@{ Seconds = $watch.Elapsed.TotalSeconds; Output = $output }
}

# Items NDJSON: 10 assets per Item, hrefs from $Href (index → href).
function Write-BenchItems([string] $Path, [scriptblock] $Href) {
    $writer = [IO.StreamWriter]::new($Path)
    try {
        for ($i = 0; $i -lt $Count; $i += 10) {
            $assets = [ordered]@{}
            for ($j = $i; $j -lt [Math]::Min($i + 10, $Count); $j++) {
                $assets["a$($j - $i)"] = @{ href = (& $Href $j); roles = @('data') }
            }
            $item = [ordered]@{
                type = 'Feature'; stac_version = '1.0.0'; id = "bench-$i"; geometry = $null
                properties = @{ datetime = '2024-01-01T00:00:00Z' }; links = @(); assets = $assets
            }
            $writer.WriteLine(($item | ConvertTo-Json -Depth 6 -Compress))
        }
    }
    finally {
        $writer.Dispose()
    }
}

# curl HEADs over the same objects: wall time and how many answered 200.
function Measure-Curl([string] $Name, [string[]] $Urls) {
    $config = Join-Path $work "$Name-urls.cfg"
    $lines = foreach ($u in $Urls) { "url = `"$u`""; 'output = "/dev/null"' }
    [IO.File]::WriteAllLines($config, [string[]]$lines)
    $watch = [Diagnostics.Stopwatch]::StartNew()
    $codes = & curl -s --no-progress-meter -I --parallel --parallel-max $ThrottleLimit -K $config -w "%{http_code}`n" 2>$null
    $watch.Stop()
    [pscustomobject]@{ Seconds = $watch.Elapsed.TotalSeconds; Ok = @($codes | Where-Object { $_ -eq '200' }).Count }
}

$payload = [byte[]]::new(1024)
[Random]::new(42).NextBytes($payload)
$servers = [Collections.Generic.List[object]]::new()
$cases = [Collections.Generic.List[object]]::new()
$skipped = [Collections.Generic.List[string]]::new()
try {
    if ('http' -in $Store) {
        $nginx = Start-TestNginx
        if ($nginx) {
            $servers.Add($nginx)
            $dir = (New-Item -ItemType Directory -Path (Join-Path $nginx.Root 'objects')).FullName
            for ($i = 0; $i -lt $Count; $i++) { [IO.File]::WriteAllBytes((Join-Path $dir "obj-$i.bin"), $payload) }
            $base = "$($nginx.BaseUrl)/objects"
            Write-BenchItems (Join-Path $work 'http-items.ndjson') { param($i) "$base/obj-$i.bin" }
            $cases.Add([pscustomobject]@{ Name = 'http'; Server = 'nginx'; EndpointUrl = $null; Urls = @(0..($Count - 1) | ForEach-Object { "$base/obj-$_.bin" }) })
        }
        else { $skipped.Add('http (nginx not installed)') }
    }
    if ('s3' -in $Store) {
        $s3 = Start-TestS3rver -Bucket 'bench'
        if ($s3) {
            $servers.Add($s3)
            foreach ($name in $s3.Environment.Keys) { [Environment]::SetEnvironmentVariable($name, $s3.Environment[$name]) }
            $file = Join-Path $work 'payload.bin'
            [IO.File]::WriteAllBytes($file, $payload)
            $urls = @(0..($Count - 1) | ForEach-Object { "$($s3.EndpointUrl)/bench/obj-$_.bin" })
            Send-TestObjectsWithCurl -File (@($file) * $Count) -Url $urls -Parallel $ThrottleLimit
            Write-BenchItems (Join-Path $work 's3-items.ndjson') { param($i) "s3://bench/obj-$i.bin" }
            $cases.Add([pscustomobject]@{ Name = 's3'; Server = 's3rver'; EndpointUrl = $s3.EndpointUrl; Urls = $urls })
        }
        else { $skipped.Add('s3 (s3rver not installed)') }
    }
    if ('az' -in $Store) {
        $azurite = Start-TestAzurite -Container 'bench'
        if ($azurite) {
            $servers.Add($azurite)
            $env:AZURE_STORAGE_CONNECTION_STRING = $azurite.ConnectionString
            $file = Join-Path $work 'payload.bin'
            [IO.File]::WriteAllBytes($file, $payload)
            $urls = @(0..($Count - 1) | ForEach-Object { "$($azurite.BlobEndpoint)/bench/obj-$_.bin?$($azurite.Sas)" })
            Send-TestObjectsWithCurl -File (@($file) * $Count) -Url $urls -Header 'x-ms-blob-type: BlockBlob' -Parallel $ThrottleLimit
            Write-BenchItems (Join-Path $work 'az-items.ndjson') { param($i) "az://bench/obj-$i.bin" }
            $cases.Add([pscustomobject]@{ Name = 'az'; Server = 'Azurite'; EndpointUrl = $null; Urls = $urls })
        }
        else { $skipped.Add('az (Azurite not installed)') }
    }

    # Start-up and import, each a process of its own, best of three (the first pays for a cold disk cache).
    $startup = (1..3 | ForEach-Object { (Measure-Child 'exit 0').Seconds } | Measure-Object -Minimum).Minimum
    $import = (1..3 | ForEach-Object { (Measure-Child "Import-Module '$module'").Seconds } | Measure-Object -Minimum).Minimum

    # One process for all stores: the module is imported once, then every run is timed inside it.
    $spec = Join-Path $work 'spec.json'
    $cases | Select-Object Name, EndpointUrl | ConvertTo-Json -AsArray | Set-Content -LiteralPath $spec
    $inner = @'
param($Module, $Work, $Spec, $ThrottleLimit, $Repeat)
$ErrorActionPreference = 'Stop'
$ProgressPreference = 'SilentlyContinue'
Import-Module $Module
foreach ($case in (Get-Content -LiteralPath $Spec -Raw | ConvertFrom-Json)) {
    $endpoint = @{}
    if ($case.EndpointUrl) { $endpoint.EndpointUrl = $case.EndpointUrl }
    $lock = Join-Path $Work "$($case.Name).lock.parquet"
    $w = [Diagnostics.Stopwatch]::StartNew()
    Import-StacItem -Path (Join-Path $Work "$($case.Name)-items.ndjson") | New-StacAssetLock -ThrottleLimit $ThrottleLimit @endpoint | Export-StacAssetLock -Path $lock
    $lockSeconds = $w.Elapsed.TotalSeconds
    # Best of $Repeat: the machine is shared, and the best run is the one least disturbed by others.
    $testSeconds = [double]::MaxValue
    foreach ($run in 1..$Repeat) {
        [GC]::Collect()
        $heapBefore = [GC]::GetTotalMemory($true)
        $w.Restart()
        $valid = 0; $invalid = 0
        Import-StacAssetLock -Path $lock | Test-StacAssetLock -ThrottleLimit $ThrottleLimit @endpoint | ForEach-Object { if ($_.Valid) { $valid++ } else { $invalid++ } }
        $testSeconds = [Math]::Min($testSeconds, $w.Elapsed.TotalSeconds)
        $heapAfter = [GC]::GetTotalMemory($true)
    }
    [pscustomobject]@{
        Name = $case.Name; LockSeconds = $lockSeconds; TestSeconds = $testSeconds; Valid = $valid; Invalid = $invalid
        HeapGrowthMiB = ($heapAfter - $heapBefore) / 1MB
        PeakWorkingSetMiB = [Diagnostics.Process]::GetCurrentProcess().PeakWorkingSet64 / 1MB
    } | ConvertTo-Json -Compress
}
'@
    $innerPath = Join-Path $work 'inner.ps1'
    Set-Content -LiteralPath $innerPath -Value $inner
    $ours = @{}
    if ($cases.Count -gt 0) {
        $output = & $exe @pwshPrefix -NoProfile -NonInteractive -File $innerPath -Module $module -Work $work -Spec $spec -ThrottleLimit $ThrottleLimit -Repeat $Repeat 2>&1
        if ($LASTEXITCODE -ne 0) {
            throw "the StacPkg run failed ($LASTEXITCODE): $($output -join "`n")"
        }
        foreach ($line in $output | Where-Object { "$_".StartsWith('{') }) {
            $r = "$line" | ConvertFrom-Json
            $ours[$r.Name] = $r
        }
    }

    $lines = [Collections.Generic.List[string]]::new()
    $lines.Add("# Asset lock validation: $Count objects per store, concurrency $ThrottleLimit")
    $lines.Add('')
    $lines.Add("Measured $(Get-Date -Format 'yyyy-MM-dd HH:mm') UTC on $([Environment]::ProcessorCount) cores; loopback servers; 1 KiB objects, 10 assets per Item.")
    $lines.Add("StacPkg times are inside one pwsh process after Import-Module; curl runs as its own process over the same objects. Validation: best of $Repeat on both sides; lock: one run.")
    $load = (((Get-Content -LiteralPath /proc/loadavg -ErrorAction SilentlyContinue) -split ' ') | Select-Object -First 3) -join ' '
    $lines.Add("Load average (1, 5, 15 min) when the table was made: $load (other work on the machine slows both sides).")
    $lines.Add('')
    $lines.Add('| store | server | tool | what | wall s | objects/s | valid | vs curl |')
    $lines.Add('|---|---|---|---|---:|---:|---:|---:|')
    foreach ($case in $cases) {
        $curl = 1..$Repeat | ForEach-Object { Measure-Curl $case.Name $case.Urls } | Sort-Object Seconds | Select-Object -First 1
        $r = $ours[$case.Name]
        $curlRate = $Count / $curl.Seconds
        $testRate = $Count / $r.TestSeconds
        $lines.Add(('| {0} | {1} | curl --parallel-max {2} | HEAD | {3:N2} | {4:N0} | {5} | 1.00× |' -f $case.Name, $case.Server, $ThrottleLimit, $curl.Seconds, $curlRate, $curl.Ok))
        $lines.Add(('| {0} | {1} | Test-StacAssetLock | Import-StacAssetLock \| Test-StacAssetLock | {2:N2} | {3:N0} | {4} | {5:N2}× |' -f $case.Name, $case.Server, $r.TestSeconds, $testRate, $r.Valid, ($testRate / $curlRate)))
        $lines.Add(('| {0} | {1} | New-StacAssetLock | Import-StacItem \| New-StacAssetLock \| Export-StacAssetLock | {2:N2} | {3:N0} | | {4:N2}× |' -f $case.Name, $case.Server, $r.LockSeconds, ($Count / $r.LockSeconds), (($Count / $r.LockSeconds) / $curlRate)))
    }
    $lines.Add('')
    $lines.Add(('pwsh start-up (`pwsh -NoProfile -c exit`): {0:N2} s; start-up + `Import-Module StacPkg`: {1:N2} s (best of 3, each its own process; not in the times above).' -f $startup, $import))
    foreach ($r in $ours.Values) {
        $lines.Add(('{0}: managed heap growth over the validation {1:N1} MiB; peak working set of the process {2:N0} MiB; invalid rows {3}.' -f $r.Name, $r.HeapGrowthMiB, $r.PeakWorkingSetMiB, $r.Invalid))
    }
    foreach ($s in $skipped) { $lines.Add("Skipped: $s.") }
    $text = $lines -join "`n"
    Write-Host $text
    Set-Content -LiteralPath (Join-Path $outDir 'lock-results.md') -Value $text
    $failed = @($ours.Values | Where-Object { $_.Invalid -gt 0 -or $_.Valid -ne $Count })
    if ($failed.Count -gt 0) {
        throw "validation did not find every object valid: $(($failed | ForEach-Object { "$($_.Name): $($_.Valid) valid, $($_.Invalid) invalid" }) -join '; ')"
    }
}
finally {
    Stop-TestServer $servers.ToArray()
}
