#Requires -Version 7.4
<#
.SYNOPSIS
    Relocating assets: Move-StacAsset side by side with `rclone copy`, in one run, over the same objects.

.DESCRIPTION
    Run by `dotnet pwsh ./build.ps1 -Task Bench` (or `-Task Bench -Benchmark Relocation`), or on its
    own after a build.

    Sources are files on a loopback nginx with autoindex on (so rclone's http backend can list them),
    ETag and Last-Modified as usual (tests/Pester/TestServers.ps1). Two data sets:
      large  16 files of 64 MiB (1 GiB), random bytes
      small  -SmallCount files (default 10,000) of 1-64 KiB, sizes log-uniform (many small sidecars)
    Destinations: a folder (file), s3rver (s3) and Azurite (az), started by TestServers.ps1.

    StacPkg: Items (10 assets each) pointing at the nginx URLs are locked once, untimed
    (New-StacAssetLock | Export-StacAssetLock). Each run is a child pwsh under GNU time (peak RSS);
    inside it, after Import-Module, a stopwatch times
      Import-StacAssetLock lock.parquet | Move-StacAsset -Destination D -ThrottleLimit T -MemoryLimit M | Export-StacAssetLock
    with the other parameters at their defaults (-ChunkSize 8MB, -Layout ItemAsset).
    rclone: `rclone copy src:<set> dst:<path> --transfers T --checkers T` under GNU time, remotes
    configured only through RCLONE_CONFIG_<NAME>_* environment variables, every other option at its
    default. Every run starts from an empty destination (a fresh prefix, purged afterwards), so both
    sides copy every object; the runs of the two tools alternate.

    Writes the markdown table to the console and to bench/out/relocation-results.md.

.PARAMETER Dataset
    large, small (default both).

.PARAMETER Pair
    Destination stores: file, s3, az (default all; the source is always http).

.PARAMETER Repeat
    Runs per tool, pair and data set (default 3); the table shows the median and the range.

.PARAMETER ThrottleLimit
    Move-StacAsset -ThrottleLimit and rclone --transfers/--checkers (default 8, Move-StacAsset's default).

.PARAMETER MemoryLimit
    Move-StacAsset -MemoryLimit (default 256MB).

.EXAMPLE
    dotnet pwsh ./bench/Invoke-RelocationBenchmark.ps1 -Pair file -Dataset large -Repeat 5
#>
[CmdletBinding()]
param(
    [ValidateSet('large', 'small')]
    [string[]] $Dataset = @('large', 'small'),

    [ValidateSet('file', 's3', 'az')]
    [string[]] $Pair = @('file', 's3', 'az'),

    [ValidateRange(1, 20)]
    [int] $Repeat = 3,

    [ValidateRange(1, 1024)]
    [int] $ThrottleLimit = 8,

    [string] $MemoryLimit = '256MB',

    [ValidateRange(10, 1000000)]
    [int] $SmallCount = 10000
)

Set-StrictMode -Version Latest
$ErrorActionPreference = 'Stop'
$ProgressPreference = 'SilentlyContinue'

. (Join-Path $PSScriptRoot 'BenchSupport.ps1')
$rclone = (Get-Command rclone -ErrorAction SilentlyContinue)?.Source
if (-not $rclone) {
    throw 'rclone is not on PATH (apt-get install rclone)'
}
if (-not (Test-Path -LiteralPath $gnuTime)) {
    throw "GNU time is needed for peak RSS: $gnuTime not found (apt-get install time)"
}
. (Join-Path $repo 'tests/Pester/TestServers.ps1')

$work = Join-Path $outDir 'relocation'
if (Test-Path -LiteralPath $work) {
    Remove-Item -LiteralPath $work -Recurse -Force
}
$null = New-Item -ItemType Directory -Path $work
# The source files are kept between benchmark runs: writing 1 GiB of random bytes takes a while.
$sourceRoot = Join-Path $outDir 'relocation-src'


# name -> file names and sizes; written once, reused while the marker says the set is complete.
function Initialize-Dataset([string] $Name) {
    $dir = Join-Path $sourceRoot $Name
    $marker = Join-Path $sourceRoot "$Name.complete"
    $expected = if ($Name -eq 'large') { "16x64MiB" } else { "$SmallCount" }
    if ((Test-Path -LiteralPath $marker) -and (Get-Content -LiteralPath $marker -Raw).Trim() -eq $expected) {
        return
    }
    if (Test-Path -LiteralPath $dir) { Remove-Item -LiteralPath $dir -Recurse -Force }
    $null = New-Item -ItemType Directory -Path $dir
    $rng = [Random]::new(5)
    if ($Name -eq 'large') {
        $buffer = [byte[]]::new(64MB)
        for ($i = 0; $i -lt 16; $i++) {
            $rng.NextBytes($buffer)
            [IO.File]::WriteAllBytes((Join-Path $dir ('f{0:D2}.bin' -f $i)), $buffer)
        }
    }
    else {
        $buffer = [byte[]]::new(64KB)
        for ($i = 0; $i -lt $SmallCount; $i++) {
            # Log-uniform 1-64 KiB: most sidecars are small, a few are tens of KiB.
            $size = [int][Math]::Round([Math]::Pow(2, 10 + 6 * $rng.NextDouble()))
            $rng.NextBytes($buffer)
            $file = [IO.File]::Create((Join-Path $dir ('s{0:D6}.json' -f $i)))
            try { $file.Write($buffer, 0, $size) } finally { $file.Dispose() }
        }
    }
    Set-Content -LiteralPath $marker -Value $expected
}

# Items NDJSON, 10 assets per Item, over every file of the set as served by nginx.
function Write-DatasetItems([string] $Name, [string] $BaseUrl, [string] $Path) {
    $files = @(Get-ChildItem -LiteralPath (Join-Path $sourceRoot $Name) -File | Sort-Object Name)
    $writer = [IO.StreamWriter]::new($Path)
    try {
        for ($i = 0; $i -lt $files.Count; $i += 10) {
            $assets = [ordered]@{}
            for ($j = $i; $j -lt [Math]::Min($i + 10, $files.Count); $j++) {
                $assets["a$($j - $i)"] = @{ href = "$BaseUrl/$Name/$($files[$j].Name)"; roles = @('data') }
            }
            $item = [ordered]@{
                type = 'Feature'; stac_version = '1.0.0'; id = "$Name-$i"; geometry = $null
                properties = @{ datetime = '2024-01-01T00:00:00Z' }; links = @(); assets = $assets
            }
            $writer.WriteLine(($item | ConvertTo-Json -Depth 6 -Compress))
        }
    }
    finally {
        $writer.Dispose()
    }
    [pscustomobject]@{ Files = $files.Count; Bytes = ($files | Measure-Object Length -Sum).Sum }
}

# One Move-StacAsset run in a child pwsh: the pipeline's seconds from inside, peak RSS of the process.
$inner = @'
param($Module, $Lock, $Destination, $EndpointUrl, $ThrottleLimit, $MemoryLimit, $OutLock)
$ErrorActionPreference = 'Stop'
$ProgressPreference = 'SilentlyContinue'
Import-Module $Module
$endpoint = @{}
if ($EndpointUrl) { $endpoint.EndpointUrl = $EndpointUrl }
$process = [Diagnostics.Process]::GetCurrentProcess()
$cpu = $process.TotalProcessorTime
$w = [Diagnostics.Stopwatch]::StartNew()
# A row that fails is reported (and the run left out of the table), not a reason to stop the benchmark.
Import-StacAssetLock -Path $Lock | Move-StacAsset -Destination $Destination @endpoint -ThrottleLimit $ThrottleLimit -MemoryLimit $MemoryLimit -ErrorAction SilentlyContinue -ErrorVariable failures | Export-StacAssetLock -Path $OutLock
$seconds = $w.Elapsed.TotalSeconds
$process.Refresh()
$cpuSeconds = ($process.TotalProcessorTime - $cpu).TotalSeconds
$rows = @(Import-StacAssetLock -Path $OutLock)
foreach ($f in $failures) { Write-Warning "$f" }
@{ Seconds = $seconds; CpuSeconds = $cpuSeconds; Failed = @($failures).Count; Rows = $rows.Count; Bytes = ($rows | Measure-Object SizeBytes -Sum).Sum } | ConvertTo-Json -Compress
'@
$innerPath = Join-Path $work 'move.ps1'
Set-Content -LiteralPath $innerPath -Value $inner

$servers = [Collections.Generic.List[object]]::new()
$savedEnvironment = @{}
function Set-BenchEnvironment([hashtable] $Values) {
    foreach ($name in $Values.Keys) {
        if (-not $savedEnvironment.ContainsKey($name)) { $savedEnvironment[$name] = [Environment]::GetEnvironmentVariable($name) }
        [Environment]::SetEnvironmentVariable($name, $Values[$name])
    }
}

try {
    $null = New-Item -ItemType Directory -Force -Path $sourceRoot
    foreach ($name in $Dataset) { Initialize-Dataset $name }
    $nginx = Start-TestNginx -Root $sourceRoot -AutoIndex
    if (-not $nginx) { throw 'nginx is needed for the sources' }
    $servers.Add($nginx)

    # rclone's remotes, from the environment only (every rclone call has --config '': no config file).
    Set-BenchEnvironment @{ RCLONE_CONFIG_SRC_TYPE = 'http'; RCLONE_CONFIG_SRC_URL = "$($nginx.BaseUrl)/" }
    $targets = [ordered]@{}
    if ('file' -in $Pair) {
        $targets.file = @{ Server = 'folder'; Ours = { param($p) Join-Path $work "dst/$p" }; Remote = { param($p) Join-Path $work "dst/$p" }; Endpoint = $null }
    }
    if ('s3' -in $Pair) {
        $s3 = Start-TestS3rver -Bucket 'bench'
        if (-not $s3) { throw 's3rver is not installed (npm ci --prefix tests/servers)' }
        $servers.Add($s3)
        # AWS_CA_BUNDLE (set by some environments) makes rclone's S3 client fail to start; loopback http needs no CA.
        Set-BenchEnvironment ($s3.Environment + @{
                AWS_CA_BUNDLE = $null
                RCLONE_CONFIG_S3_TYPE = 's3'; RCLONE_CONFIG_S3_PROVIDER = 'Other'; RCLONE_CONFIG_S3_ENDPOINT = $s3.EndpointUrl
                RCLONE_CONFIG_S3_ACCESS_KEY_ID = $s3.Environment.AWS_ACCESS_KEY_ID; RCLONE_CONFIG_S3_SECRET_ACCESS_KEY = $s3.Environment.AWS_SECRET_ACCESS_KEY
                RCLONE_CONFIG_S3_REGION = 'us-east-1'; RCLONE_CONFIG_S3_FORCE_PATH_STYLE = 'true'
            })
        $targets.s3 = @{ Server = 's3rver'; Ours = { param($p) "s3://bench/$p" }; Remote = { param($p) "s3:bench/$p" }; Endpoint = $s3.EndpointUrl }
    }
    if ('az' -in $Pair) {
        $azurite = Start-TestAzurite -Container 'bench'
        if (-not $azurite) { throw 'Azurite is not installed (npm ci --prefix tests/servers)' }
        $servers.Add($azurite)
        Set-BenchEnvironment @{
            AZURE_STORAGE_CONNECTION_STRING = $azurite.ConnectionString
            # rclone 1.60 takes an endpoint only as a domain suffix (https://<account>.<endpoint>), so Azurite on
            # a loopback port is reached through an account SAS URL signed with the development account key.
            RCLONE_CONFIG_AZ_TYPE = 'azureblob'; RCLONE_CONFIG_AZ_SAS_URL = "$($azurite.BlobEndpoint)?$($azurite.Sas)"
        }
        $targets.az = @{ Server = 'Azurite'; Ours = { param($p) "az://bench/$p" }; Remote = { param($p) "az:bench/$p" }; Endpoint = $null }
    }

    # The locks, untimed: what a user has before relocating.
    $sets = [ordered]@{}
    foreach ($name in $Dataset) {
        $items = Join-Path $work "$name-items.ndjson"
        $info = Write-DatasetItems $name $nginx.BaseUrl $items
        $lock = Join-Path $work "$name.lock.parquet"
        $output = & $exe @pwshPrefix -NoProfile -NonInteractive -Command "Import-Module '$module'; `$ProgressPreference = 'SilentlyContinue'; Import-StacItem -Path '$items' | New-StacAssetLock -ThrottleLimit 16 | Export-StacAssetLock -Path '$lock'" 2>&1
        if ($LASTEXITCODE -ne 0) { throw "locking $name failed: $($output -join "`n")" }
        $sets[$name] = [pscustomobject]@{ Name = $name; Files = $info.Files; Bytes = $info.Bytes; Lock = $lock }
    }

    $runs = [Collections.Generic.List[object]]::new()
    for ($run = 1; $run -le $Repeat; $run++) {
        foreach ($target in $targets.Keys) {
            $t = $targets[$target]
            foreach ($set in $sets.Values) {
                # Alternate which tool goes first, so neither always meets a warmer or colder machine.
                $tools = if ($run % 2) { 'stacpkg', 'rclone' } else { 'rclone', 'stacpkg' }
                foreach ($tool in $tools) {
                    $prefix = "$tool-$($set.Name)-$run"
                    $label = "$target-$prefix"
                    if ($tool -eq 'stacpkg') {
                        $argv = @($exe) + $pwshPrefix + @('-NoProfile', '-NonInteractive', '-File', $innerPath, '-Module', $module, '-Lock', $set.Lock,
                            '-Destination', (& $t.Ours $prefix), '-EndpointUrl', "$($t.Endpoint)", '-ThrottleLimit', $ThrottleLimit,
                            '-MemoryLimit', $MemoryLimit, '-OutLock', (Join-Path $work "$label.parquet"))
                        $r = Invoke-Timed $work $label $argv
                        $json = $r.Output | Where-Object { "$_".StartsWith('{') } | Select-Object -Last 1 | ConvertFrom-Json
                        $seconds = $json.Seconds
                        $cpuSeconds = $json.CpuSeconds
                        $processSeconds = $r.Seconds
                        $files = $json.Rows
                        $bytes = $json.Bytes
                        $failed = $json.Failed
                    }
                    else {
                        $r = Invoke-Timed $work $label @($rclone, '--config', '', 'copy', "src:$($set.Name)", (& $t.Remote $prefix), '--transfers', $ThrottleLimit, '--checkers', $ThrottleLimit)
                        $seconds = $r.Seconds
                        $cpuSeconds = $r.CpuSeconds
                        $processSeconds = $r.Seconds
                        $size = & $rclone --config '' size (& $t.Remote $prefix) --json | ConvertFrom-Json
                        $files = $size.count
                        $bytes = $size.bytes
                        $failed = 0
                    }
                    if ($failed -gt 0) {
                        Write-Warning "$label`: $failed rows failed; this run is left out of the table: $($r.Output | Where-Object { "$_" -like '*WARNING*' } | Select-Object -First 3)"
                    }
                    elseif ($files -ne $set.Files -or $bytes -ne $set.Bytes) {
                        throw "$label copied $files files / $bytes bytes, expected $($set.Files) / $($set.Bytes)"
                    }
                    $runs.Add([pscustomobject]@{ Target = $target; Set = $set.Name; Tool = $tool; Run = $run; Seconds = $seconds; CpuSeconds = $cpuSeconds; ProcessSeconds = $processSeconds; PeakMiB = $r.PeakMiB; Failed = $failed })
                    Write-Host ('{0,-28} {1,8:N2} s  cpu {2,6:N2} s  (process {3:N2} s)  peak RSS {4,6:N0} MiB' -f $label, $seconds, $cpuSeconds, $processSeconds, $r.PeakMiB)
                    # Empty the destination again, untimed: the next run copies everything too.
                    if ($target -eq 'file') {
                        Remove-Item -LiteralPath (& $t.Ours $prefix) -Recurse -Force
                    }
                    else {
                        $null = & $rclone --config '' purge (& $t.Remote $prefix) --checkers 16 2>&1
                        if ($LASTEXITCODE -ne 0) { throw "could not empty $($t.Remote) $prefix" }
                    }
                }
            }
        }
    }

    $load = (((Get-Content -LiteralPath /proc/loadavg -ErrorAction SilentlyContinue) -split ' ') | Select-Object -First 3) -join ' '
    $lines = [Collections.Generic.List[string]]::new()
    $lines.Add("# Relocation: Move-StacAsset vs rclone copy ($(& $rclone --config '' version | Select-Object -First 1))")
    $lines.Add('')
    $lines.Add("Measured $(Get-Date -AsUTC -Format 'yyyy-MM-dd HH:mm') UTC on $([Environment]::ProcessorCount) cores; loopback servers; load average (1, 5, 15 min) at the end: $load.")
    $lines.Add("Median of $Repeat runs per cell (range in brackets). Concurrency $ThrottleLimit on both sides (-ThrottleLimit / --transfers and --checkers); Move-StacAsset -MemoryLimit $MemoryLimit, -ChunkSize 8MB (default).")
    $lines.Add('StacPkg seconds and CPU: the pipeline inside one pwsh after Import-Module (lock import, copy, verify, new lock export); rclone: the whole process. Peak RSS: whole process (GNU time), pwsh itself included.')
    $lines.Add('')
    $lines.Add('| pair | data | StacPkg s | rclone s | StacPkg rate | rclone rate | throughput ours/rclone | StacPkg peak RSS MiB | rclone peak RSS MiB | CPU s StacPkg / rclone |')
    $lines.Add('|---|---|---:|---:|---:|---:|---:|---:|---:|---:|')
    foreach ($target in $targets.Keys) {
        foreach ($set in $sets.Values) {
            $cell = @{}
            foreach ($tool in 'stacpkg', 'rclone') {
                $r = @($runs | Where-Object { $_.Target -eq $target -and $_.Set -eq $set.Name -and $_.Tool -eq $tool -and $_.Failed -eq 0 })
                if ($r.Count -eq 0) { continue }
                $median = Get-Median $r.Seconds
                $rate = if ($set.Name -eq 'large') { '{0:N0} MB/s' -f ($set.Bytes / 1e6 / $median) } else { '{0:N0} files/s' -f ($set.Files / $median) }
                $cell[$tool] = [pscustomobject]@{
                    Median = $median; Text = '{0:N2} [{1:N2}-{2:N2}]' -f $median, ($r.Seconds | Measure-Object -Minimum).Minimum, ($r.Seconds | Measure-Object -Maximum).Maximum
                    Rate = $rate; Rss = '{0:N0} [max {1:N0}]' -f (Get-Median $r.PeakMiB), ($r.PeakMiB | Measure-Object -Maximum).Maximum
                    Cpu = Get-Median $r.CpuSeconds
                }
            }
            if ($cell.Count -lt 2) { continue }
            $what = if ($set.Name -eq 'large') { '1 GiB / 16 files' } else { '{0:N0} files / {1:N0} MiB' -f $set.Files, ($set.Bytes / 1MB) }
            $lines.Add(('| http→{0} ({1}) | {2} | {3} | {4} | {5} | {6} | {7:N2}× | {8} | {9} | {10:N1} / {11:N1} |' -f $target, $targets[$target].Server, $what,
                    $cell.stacpkg.Text, $cell.rclone.Text, $cell.stacpkg.Rate, $cell.rclone.Rate, ($cell.rclone.Median / $cell.stacpkg.Median), $cell.stacpkg.Rss, $cell.rclone.Rss,
                    $cell.stacpkg.Cpu, $cell.rclone.Cpu))
        }
    }
    foreach ($f in @($runs | Where-Object Failed -gt 0)) {
        $lines.Add("Left out: $($f.Tool) $($f.Target) $($f.Set) run $($f.Run), $($f.Failed) rows failed.")
    }
    $lines.Add('')
    $lines.Add('Command: `dotnet pwsh ./bench/Invoke-RelocationBenchmark.ps1' + " -Repeat $Repeat -ThrottleLimit $ThrottleLimit -MemoryLimit $MemoryLimit" + '`')
    $text = $lines -join "`n"
    Write-Host $text
    Set-Content -LiteralPath (Join-Path $outDir 'relocation-results.md') -Value $text
    $runs | Export-Csv -LiteralPath (Join-Path $outDir 'relocation-runs.csv') -NoTypeInformation
}
finally {
    Stop-TestServer $servers.ToArray()
    foreach ($name in $savedEnvironment.Keys) { [Environment]::SetEnvironmentVariable($name, $savedEnvironment[$name]) }
}
