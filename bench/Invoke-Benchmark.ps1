#Requires -Version 7.4
<#
.SYNOPSIS
    STAC Items NDJSON -> STAC GeoParquet: StacPkg side by side with DuckDB, in one run.

.DESCRIPTION
    Run by `dotnet pwsh ./build.ps1 -Task Bench` after the module is built to out/StacPkg.

    For each item count it generates bench/out/items-<N>.ndjson with ../shared/bench/gen_items.py
    (python3; an existing file of that name is reused), then runs, each as its own child process:
      ours    dotnet pwsh -NoProfile -c "Import-Module out/StacPkg/StacPkg.psd1;
                Import-StacItem -Path … | Export-StacItem -Path bench/out/ours.parquet"
      duckdb  node bench/duckdb-copy.mjs …   (npm @duckdb/node-api from tests/servers, SET threads=2;
                COPY (SELECT * FROM read_ndjson(…)) TO 'bench/out/duckdb.parquet' (FORMAT parquet))
    and measures wall time (stopwatch around the child) and peak RSS (the largest resident set of
    any process in the child's tree). Each output is read back with DuckDB to count its rows.

    Peak RSS comes from GNU time (`/usr/bin/time -v`, Debian package `time`). Where it is missing
    the script polls VmHWM in /proc/<pid>/status for the child and its descendants every 100 ms.
    .ci/run does not run benchmarks, so it does not install `time`; on a fresh machine run
    `apt-get install -y time` for the exact figure.

    Needs: python3, node 20+ with `npm ci --prefix tests/servers`, the built module (for `ours`).
    The table gives each output's size; the summary lines give, per item count, the ours/DuckDB
    ratios of wall time, peak RSS and output size (ours with its default layout, DuckDB's COPY with
    its defaults).

    Writes the markdown table to the console and to bench/out/results.md. Exits 1 if a run failed.

.PARAMETER Count
    Number of items (default 100000).

.PARAMETER Counts
    Several counts in one run, e.g. -Counts 10000,100000, to check that time per item and memory
    stay flat as the input grows. Overrides -Count.

.PARAMETER Tool
    Which side(s) to run: ours, duckdb (default both).

.PARAMETER Threads
    DuckDB threads (default 2, the machine's core count the targets were set on).

.EXAMPLE
    dotnet pwsh ./bench/Invoke-Benchmark.ps1 -Counts 10000,100000
#>
[CmdletBinding()]
param(
    [ValidateRange(1, [int]::MaxValue)]
    [int] $Count = 100000,

    # strings, so that `pwsh -File … -Counts 10000,100000` (one argument) works too
    [string[]] $Counts,

    [ValidateSet('ours', 'duckdb')]
    [string[]] $Tool = @('ours', 'duckdb'),

    [ValidateRange(1, 256)]
    [int] $Threads = 2
)

Set-StrictMode -Version Latest
$ErrorActionPreference = 'Stop'

. (Join-Path $PSScriptRoot 'BenchSupport.ps1')
$query = Join-Path $repo 'tests/duckdb/query.mjs'
$Counts = if ($Counts) {
    @($Counts -split ',' | ForEach-Object {
        $value = 0
        if (-not [int]::TryParse($_.Trim(), [Globalization.NumberStyles]::None, [Globalization.CultureInfo]::InvariantCulture, [ref]$value) -or $value -lt 1) {
            throw "-Counts: '$_' is not a positive whole number (give e.g. -Counts 10000,100000)"
        }
        $value
    })
} else { @($Count) }

function Get-ProcessTreeHwm {
    # Records the VmHWM (KiB) of $RootId and its descendants (found through /proc/<pid>/task/*/children).
    param([int] $RootId, [hashtable] $Seen)
    $queue = [Collections.Generic.Queue[int]]::new()
    $queue.Enqueue($RootId)
    while ($queue.Count) {
        $id = $queue.Dequeue()
        try {
            foreach ($line in [IO.File]::ReadLines("/proc/$id/status")) {
                if ($line.StartsWith('VmHWM:')) {
                    $kib = [long]($line.Substring(6).Trim() -split '\s+')[0]
                    if (-not $Seen.ContainsKey($id) -or $Seen[$id] -lt $kib) { $Seen[$id] = $kib }
                    break
                }
            }
            foreach ($task in [IO.Directory]::EnumerateDirectories("/proc/$id/task")) {
                $children = [IO.File]::ReadAllText("$task/children").Trim()
                if ($children) { foreach ($child in $children -split ' ') { $queue.Enqueue([int]$child) } }
            }
        } catch { continue } # the process ended meanwhile
    }
}

function Invoke-Measured {
    # Runs one command as a child process; returns wall seconds, peak RSS (MiB), exit code, output.
    param([string] $Name, [string[]] $Command)
    $log = Join-Path $outDir "$Name.log"
    $timeFile = Join-Path $outDir "$Name.time"
    Remove-Item -LiteralPath $timeFile -ErrorAction Ignore
    $useTime = Test-Path -LiteralPath $gnuTime
    $argv = if ($useTime) { @('-v', '-o', $timeFile) + $Command } else { $Command }
    $psi = [Diagnostics.ProcessStartInfo]::new($(if ($useTime) { $gnuTime } else { $argv[0] }))
    foreach ($a in ($useTime ? $argv : $argv[1..($argv.Count - 1)])) { $psi.ArgumentList.Add($a) }
    $psi.WorkingDirectory = $repo
    $psi.UseShellExecute = $false
    $psi.RedirectStandardOutput = $true
    $psi.RedirectStandardError = $true

    $seen = @{}
    $clock = [Diagnostics.Stopwatch]::StartNew()
    $process = [Diagnostics.Process]::Start($psi)
    $stdout = $process.StandardOutput.ReadToEndAsync()
    $stderr = $process.StandardError.ReadToEndAsync()
    while (-not $process.WaitForExit($useTime ? 50 : 100)) {
        if (-not $useTime) { Get-ProcessTreeHwm -RootId $process.Id -Seen $seen }
    }
    $process.WaitForExit()
    $clock.Stop()
    $text = $stdout.GetAwaiter().GetResult() + $stderr.GetAwaiter().GetResult()
    Set-Content -LiteralPath $log -Value $text

    $peakKiB = $null
    if ($useTime -and (Test-Path -LiteralPath $timeFile)) {
        $m = Select-String -LiteralPath $timeFile -Pattern 'Maximum resident set size \(kbytes\): (\d+)'
        if ($m) { $peakKiB = [long]$m.Matches[0].Groups[1].Value }
    } elseif ($seen.Count) {
        $peakKiB = ($seen.Values | Measure-Object -Maximum).Maximum
    }
    [pscustomobject]@{
        Seconds  = $clock.Elapsed.TotalSeconds
        PeakMiB  = if ($null -ne $peakKiB) { $peakKiB / 1024 } else { $null }
        ExitCode = $process.ExitCode
        Output   = $text.Trim()
        Log      = $log
    }
}

function Get-ParquetRowCount {
    param([string] $Path)
    $sqlPath = "'" + $Path.Replace("'", "''") + "'"
    $json = & node $query "SELECT count(*) AS n FROM read_parquet($sqlPath)" 2>&1
    if ($LASTEXITCODE -ne 0) { return "unreadable: $($json | Select-Object -First 1)" }
    return [long](($json | Out-String | ConvertFrom-Json)[0].n)
}

function Get-FileLength([string] $Path) {
    # Length of the file itself, also when $Path is a symbolic link to it.
    $stream = [IO.File]::OpenRead($Path)
    try { $stream.Length } finally { $stream.Dispose() }
}

function Format-Number([object] $Value, [string] $Format) {
    if ($null -eq $Value) { return 'n/a' }
    return $Value.ToString($Format, [Globalization.CultureInfo]::InvariantCulture)
}

# --- what this run measured on ----------------------------------------------------------------
$nodeVersion = try { & node --version 2>$null } catch { 'node missing' }
$duckVersion = try {
    (& node $query 'SELECT version() AS v' 2>$null | Out-String | ConvertFrom-Json)[0].v
} catch { 'unavailable' }
$cpu = try { ((Get-Content /proc/cpuinfo | Where-Object { $_ -like 'model name*' } | Select-Object -First 1) -split ':\s*', 2)[1] } catch { 'unknown' }
$loadBefore = try { ([IO.File]::ReadAllText('/proc/loadavg') -split ' ')[0] } catch { 'n/a' }
$rssMethod = (Test-Path $gnuTime) ? 'GNU time -v (max RSS of the process tree)' : 'VmHWM polled every 100 ms over the process tree'

$results = [Collections.Generic.List[object]]::new()
$inputMiB = @{}
$failed = $false
foreach ($n in $Counts) {
    $items = Get-ItemsFile -N $n
    $inputMiB[$n] = (Get-FileLength $items) / 1MB
    $relItems = [IO.Path]::GetRelativePath($repo, $items)
    foreach ($t in $Tool) {
        $target = Join-Path $outDir "$t.parquet"
        Remove-Item -LiteralPath $target -ErrorAction Ignore
        $relTarget = [IO.Path]::GetRelativePath($repo, $target)
        $command = switch ($t) {
            'ours' {
                $script = "`$ErrorActionPreference = 'Stop'; Import-Module ./out/StacPkg/StacPkg.psd1; " +
                    "Import-StacItem -Path '$relItems' | Export-StacItem -Path '$relTarget'"
                @('dotnet', 'pwsh', '-NoProfile', '-NonInteractive', '-Command', $script)
            }
            'duckdb' { @('node', (Join-Path $repo 'bench/duckdb-copy.mjs'), $relItems, $relTarget, "$Threads") }
        }
        Write-Host "[$n] $t ..."
        $run = Invoke-Measured -Name "$t-$n" -Command $command
        $ok = $run.ExitCode -eq 0 -and (Test-Path -LiteralPath $target)
        if (-not $ok) {
            $failed = $true
            $tail = ($run.Output -split "`n" | Select-Object -Last 5) -join "`n"
            Write-Warning "[$n] $t failed (exit $($run.ExitCode)); log: $($run.Log)`n$tail"
        }
        $results.Add([pscustomobject]@{
            Tool      = $t
            Items     = $n
            Seconds   = $run.Seconds
            PeakMiB   = $run.PeakMiB
            OutputMiB = $ok ? (Get-FileLength $target) / 1MB : $null
            Rows      = $ok ? (Get-ParquetRowCount -Path $target) : "failed (exit $($run.ExitCode))"
            Ok        = $ok
        })
    }
}

# --- report -----------------------------------------------------------------------------------
$lines = [Collections.Generic.List[string]]::new()
$lines.Add("## NDJSON -> STAC GeoParquet")
$lines.Add('')
$lines.Add("$(Get-Date -Format 'yyyy-MM-dd HH:mm zzz'); $([Environment]::ProcessorCount) cores ($cpu), load average before the run $loadBefore; " +
    "DuckDB $duckVersion (node $nodeVersion, threads=$Threads); peak RSS: $rssMethod.")
$lines.Add('')
$lines.Add('| tool | items | wall s | items/s | peak RSS MiB | output MiB | rows read back by DuckDB |')
$lines.Add('|---|---:|---:|---:|---:|---:|---:|')
foreach ($r in $results) {
    $rate = $r.Ok ? $r.Items / $r.Seconds : $null
    $wall = $r.Ok ? (Format-Number $r.Seconds 'F1') : 'failed'
    $lines.Add("| $($r.Tool) | $($r.Items) | $wall | $(Format-Number $rate 'N0') | " +
        "$(Format-Number $r.PeakMiB 'N0') | $(Format-Number $r.OutputMiB 'F1') | $($r.Rows) |")
}
$lines.Add('')
foreach ($n in $Counts) {
    $ours = $results | Where-Object { $_.Tool -eq 'ours' -and $_.Items -eq $n -and $_.Ok }
    $duck = $results | Where-Object { $_.Tool -eq 'duckdb' -and $_.Items -eq $n -and $_.Ok }
    if ($ours -and $duck) {
        $timeRatio = $ours.Seconds / $duck.Seconds
        $memRatio = ($ours.PeakMiB -and $duck.PeakMiB) ? $ours.PeakMiB / $duck.PeakMiB : $null
        $sizeRatio = $ours.OutputMiB / $duck.OutputMiB
        $lines.Add("- $n items: ours/DuckDB wall time $(Format-Number $timeRatio 'F2')x, " +
            "peak RSS $(Format-Number $memRatio 'F2')x, output size $(Format-Number $ours.OutputMiB 'F1') MiB / " +
            "$(Format-Number $duck.OutputMiB 'F1') MiB = $(Format-Number $sizeRatio 'F2')x")
    } else {
        $lines.Add("- $n items: no ratio (a side did not run or failed)")
    }
}
$lines.Add("- targets (issue 2, 100,000 items): ours/DuckDB wall time <= 0.5x; ours peak RSS <= 1024 MiB; " +
    "(issue 13) ours output no larger than DuckDB's default COPY output (Snappy), ours with the default layout (zstd)")
$lines.Add("- input: bench/out/items-<N>.ndjson from ../shared/bench/gen_items.py ($([string]::Join(', ', ($Counts | ForEach-Object { "$_ items: $(Format-Number $inputMiB[$_] 'N0') MiB" }))))")

$report = $lines -join "`n"
Set-Content -LiteralPath (Join-Path $outDir 'results.md') -Value $report
Write-Host ''
Write-Host $report
if ($failed) { exit 1 }
