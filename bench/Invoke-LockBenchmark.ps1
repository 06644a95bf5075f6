#Requires -Version 7.4
<#
.SYNOPSIS
    Validating an asset lock: Test-StacAssetLock side by side with `curl --parallel` HEADs, in one run.

.DESCRIPTION
    Run by `dotnet pwsh ./build.ps1 -Task Bench` after the Items benchmark, or on its own after a build.

    For each store that is available (http on a loopback nginx; s3 on s3rver and az on Azurite when
    tests/servers has them) it puts -Count small objects in the store and writes Items that point at
    them (10 assets per Item). The lock is made once per store (timed, one run):
      lock     Import-StacItem items.ndjson | New-StacAssetLock -ThrottleLimit N | Export-StacAssetLock
    Then -Repeat times per store, the two tools alternating (which goes first changes every run), each
    a process of its own under GNU time (peak RSS, CPU seconds), over the same objects:
      validate Import-StacAssetLock lock.parquet | Test-StacAssetLock -ThrottleLimit N
               (a child pwsh; timed inside it with a stopwatch after Import-Module)
      curl     curl -s -I --parallel --parallel-max N -K urls.cfg   (the whole process)
    (urls.cfg: one `url = "…"` line per asset with `output = "/dev/null"`; for Azurite each URL carries
    a SAS, which is only ever in the config file, never printed.) The table shows medians, ranges and
    the throughput ratio ours/curl. pwsh start-up and module import are timed separately.

    Writes the markdown table to the console and to bench/out/lock-results.md.

.PARAMETER Count
    Objects per store (default 10000).

.PARAMETER ThrottleLimit
    Concurrency for both sides (-ThrottleLimit and --parallel-max; default 16).

.PARAMETER Repeat
    Validation runs per store on each side (default 3), alternating; the median is reported.

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

    # Validation runs per store, on both sides, alternating; the median is reported.
    [ValidateRange(1, 20)]
    [int] $Repeat = 3
)

Set-StrictMode -Version Latest
$ErrorActionPreference = 'Stop'
$ProgressPreference = 'SilentlyContinue'

. (Join-Path $PSScriptRoot 'BenchSupport.ps1')
$curlExe = (Get-Command curl -ErrorAction SilentlyContinue)?.Source
if (-not $curlExe) {
    throw 'curl is not on PATH'
}
if (-not (Test-Path -LiteralPath $gnuTime)) {
    throw "GNU time is needed for peak RSS: $gnuTime not found (apt-get install time)"
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

# curl HEADs over the same objects: one process under GNU time, and how many answered 200.
function Measure-Curl([string] $Name, [string] $Config, [int] $Run) {
    $r = Invoke-Timed $work "$Name-curl-$Run" @($curlExe, '-s', '--no-progress-meter', '-I', '--parallel', '--parallel-max', $ThrottleLimit, '-K', $Config, '-w', "%{http_code}`\n")
    $r | Add-Member -NotePropertyName Ok -NotePropertyValue @($r.Output | Where-Object { $_ -eq '200' }).Count -PassThru
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

    # The locks, one process for all stores (timed inside it, one run each).
    $spec = Join-Path $work 'spec.json'
    $cases | Select-Object Name, EndpointUrl | ConvertTo-Json -AsArray | Set-Content -LiteralPath $spec
    $lockScript = @'
param($Module, $Work, $Spec, $ThrottleLimit)
$ErrorActionPreference = 'Stop'
$ProgressPreference = 'SilentlyContinue'
Import-Module $Module
foreach ($case in (Get-Content -LiteralPath $Spec -Raw | ConvertFrom-Json)) {
    $endpoint = @{}
    if ($case.EndpointUrl) { $endpoint.EndpointUrl = $case.EndpointUrl }
    $w = [Diagnostics.Stopwatch]::StartNew()
    Import-StacItem -Path (Join-Path $Work "$($case.Name)-items.ndjson") | New-StacAssetLock -ThrottleLimit $ThrottleLimit @endpoint | Export-StacAssetLock -Path (Join-Path $Work "$($case.Name).lock.parquet")
    @{ Name = $case.Name; LockSeconds = $w.Elapsed.TotalSeconds } | ConvertTo-Json -Compress
}
'@
    # One validation in a child pwsh: the pipeline's seconds and CPU from inside, after Import-Module.
    $testScript = @'
param($Module, $Lock, $EndpointUrl, $ThrottleLimit)
$ErrorActionPreference = 'Stop'
$ProgressPreference = 'SilentlyContinue'
Import-Module $Module
$endpoint = @{}
if ($EndpointUrl) { $endpoint.EndpointUrl = $EndpointUrl }
$process = [Diagnostics.Process]::GetCurrentProcess()
$cpu = $process.TotalProcessorTime
$w = [Diagnostics.Stopwatch]::StartNew()
$valid = 0; $invalid = 0
Import-StacAssetLock -Path $Lock | Test-StacAssetLock -ThrottleLimit $ThrottleLimit @endpoint | ForEach-Object { if ($_.Valid) { $valid++ } else { $invalid++ } }
$seconds = $w.Elapsed.TotalSeconds
$process.Refresh()
@{ Seconds = $seconds; CpuSeconds = ($process.TotalProcessorTime - $cpu).TotalSeconds; Valid = $valid; Invalid = $invalid } | ConvertTo-Json -Compress
'@
    $lockPath = Join-Path $work 'lock.ps1'
    $testPath = Join-Path $work 'test.ps1'
    Set-Content -LiteralPath $lockPath -Value $lockScript
    Set-Content -LiteralPath $testPath -Value $testScript
    $locked = @{}
    if ($cases.Count -gt 0) {
        $output = & $exe @pwshPrefix -NoProfile -NonInteractive -File $lockPath -Module $module -Work $work -Spec $spec -ThrottleLimit $ThrottleLimit 2>&1
        if ($LASTEXITCODE -ne 0) { throw "locking failed ($LASTEXITCODE): $($output -join "`n")" }
        foreach ($line in $output | Where-Object { "$_".StartsWith('{') }) {
            $r = "$line" | ConvertFrom-Json
            $locked[$r.Name] = $r.LockSeconds
        }
    }

    $runs = [Collections.Generic.List[object]]::new()
    foreach ($case in $cases) {
        $config = Join-Path $work "$($case.Name)-urls.cfg"
        $urlLines = foreach ($u in $case.Urls) { "url = `"$u`""; 'output = "/dev/null"' }
        [IO.File]::WriteAllLines($config, [string[]]$urlLines)
        for ($run = 1; $run -le $Repeat; $run++) {
            # Alternate which tool goes first, so neither always meets a warmer or colder machine.
            $tools = if ($run % 2) { 'stacpkg', 'curl' } else { 'curl', 'stacpkg' }
            foreach ($tool in $tools) {
                if ($tool -eq 'curl') {
                    $r = Measure-Curl $case.Name $config $run
                    $runs.Add([pscustomobject]@{ Name = $case.Name; Tool = $tool; Seconds = $r.Seconds; CpuSeconds = $r.CpuSeconds; PeakMiB = $r.PeakMiB; Valid = $r.Ok })
                }
                else {
                    $argv = @($exe) + $pwshPrefix + @('-NoProfile', '-NonInteractive', '-File', $testPath, '-Module', $module,
                        '-Lock', (Join-Path $work "$($case.Name).lock.parquet"), '-EndpointUrl', "$($case.EndpointUrl)", '-ThrottleLimit', $ThrottleLimit)
                    $r = Invoke-Timed $work "$($case.Name)-stacpkg-$run" $argv
                    $json = $r.Output | Where-Object { "$_".StartsWith('{') } | Select-Object -Last 1 | ConvertFrom-Json
                    if ($json.Invalid -gt 0 -or $json.Valid -ne $Count) {
                        throw "validation did not find every object valid: $($case.Name): $($json.Valid) valid, $($json.Invalid) invalid"
                    }
                    $runs.Add([pscustomobject]@{ Name = $case.Name; Tool = $tool; Seconds = $json.Seconds; CpuSeconds = $json.CpuSeconds; PeakMiB = $r.PeakMiB; Valid = $json.Valid })
                }
                $last = $runs[$runs.Count - 1]
                Write-Host ('{0,-4} {1,-8} run {2}: {3,6:N2} s  cpu {4,6:N2} s  peak RSS {5,5:N0} MiB' -f $case.Name, $tool, $run, $last.Seconds, $last.CpuSeconds, $last.PeakMiB)
            }
        }
    }

    $lines = [Collections.Generic.List[string]]::new()
    $lines.Add("# Asset lock validation: $Count objects per store, concurrency $ThrottleLimit")
    $lines.Add('')
    $lines.Add("Measured $(Get-Date -AsUTC -Format 'yyyy-MM-dd HH:mm') UTC on $([Environment]::ProcessorCount) cores; loopback servers; 1 KiB objects, 10 assets per Item.")
    $lines.Add("Validation: median of $Repeat alternating runs per tool ([min-max]); StacPkg seconds and CPU are the pipeline inside a child pwsh after Import-Module, curl's the whole process; peak RSS is the whole process (GNU time), pwsh included. Lock: one run.")
    $load = (((Get-Content -LiteralPath /proc/loadavg -ErrorAction SilentlyContinue) -split ' ') | Select-Object -First 3) -join ' '
    $lines.Add("Load average (1, 5, 15 min) at the end: $load (other work on the machine slows both sides).")
    $lines.Add('')
    $lines.Add('| store | server | Test-StacAssetLock s | curl -I s | Test-StacAssetLock rows/s | curl HEADs/s | throughput ours/curl | peak RSS MiB ours / curl | CPU s ours / curl | New-StacAssetLock rows/s |')
    $lines.Add('|---|---|---:|---:|---:|---:|---:|---:|---:|---:|')
    foreach ($case in $cases) {
        $cell = @{}
        foreach ($tool in 'stacpkg', 'curl') {
            $r = @($runs | Where-Object { $_.Name -eq $case.Name -and $_.Tool -eq $tool })
            $median = Get-Median $r.Seconds
            $cell[$tool] = [pscustomobject]@{
                Median = $median; Text = '{0:N2} [{1:N2}-{2:N2}]' -f $median, ($r.Seconds | Measure-Object -Minimum).Minimum, ($r.Seconds | Measure-Object -Maximum).Maximum
                Rss = Get-Median $r.PeakMiB; Cpu = Get-Median $r.CpuSeconds; Ok = ($r.Valid | Measure-Object -Minimum).Minimum
            }
        }
        $lines.Add(('| {0} | {1} | {2} | {3} | {4:N0} | {5:N0} | {6:N2}× | {7:N0} / {8:N0} | {9:N2} / {10:N2} | {11:N0} |' -f $case.Name, $case.Server,
                $cell.stacpkg.Text, $cell.curl.Text, ($Count / $cell.stacpkg.Median), ($Count / $cell.curl.Median), ($cell.curl.Median / $cell.stacpkg.Median),
                $cell.stacpkg.Rss, $cell.curl.Rss, $cell.stacpkg.Cpu, $cell.curl.Cpu, ($Count / $locked[$case.Name])))
        if ($cell.curl.Ok -ne $Count) { $lines.Add("$($case.Name): curl got 200 for only $($cell.curl.Ok) of $Count HEADs in some run.") }
    }
    $lines.Add('')
    $lines.Add(('pwsh start-up (`pwsh -NoProfile -c exit`): {0:N2} s; start-up + `Import-Module StacPkg`: {1:N2} s (best of 3, each its own process; not in the times above).' -f $startup, $import))
    foreach ($s in $skipped) { $lines.Add("Skipped: $s.") }
    $lines.Add('')
    $lines.Add('Command: `dotnet pwsh ./bench/Invoke-LockBenchmark.ps1' + " -Count $Count -ThrottleLimit $ThrottleLimit -Repeat $Repeat" + '`')
    $text = $lines -join "`n"
    Write-Host $text
    Set-Content -LiteralPath (Join-Path $outDir 'lock-results.md') -Value $text
    $runs | Export-Csv -LiteralPath (Join-Path $outDir 'lock-runs.csv') -NoTypeInformation
}
finally {
    Stop-TestServer $servers.ToArray()
}
