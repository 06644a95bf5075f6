#Requires -Version 7.4
<#
.SYNOPSIS
    STAC Items between NDJSON and STAC GeoParquet: StacPkg side by side with DuckDB, in one run.

.DESCRIPTION
    Run by `dotnet pwsh ./build.ps1 -Task Bench` after the module is built to out/StacPkg.

    For each item count it uses bench/out/items-<N>.ndjson (made once by ../shared/bench/gen_items.py)
    and runs every case below -Repeat times, the runners of a case alternating, each as its own child
    process (whole processes: pwsh start-up and module import count), under GNU time for peak RSS:

      NdjsonToParquet  ours: Import-StacItem items.ndjson | Export-StacItem ours.parquet
                       ours: Import-StacItem items.ndjson | New-StacPackage pkg -NoProbe -Force
                       DuckDB: COPY (SELECT * FROM read_ndjson(…)) TO … (FORMAT parquet)
      ParquetToNdjson  (from ours.parquet of the first case)
                       ours: Import-StacItem ours.parquet | ConvertTo-StacJson -Compress | Set-Content x.ndjson
                       ours: Import-StacItem ours.parquet | Export-StacItem x.ndjson
                       DuckDB: COPY (SELECT * FROM read_parquet(…)) TO x.ndjson (FORMAT json)
      ConvertFrom      ours, no peer: Get-Content -ReadCount 1000 items.ndjson | ConvertFrom-StacJson,
                       and the first 10,000 Items as Invoke-RestMethod-style objects (ConvertFrom-Json)
                       through ConvertFrom-StacJson, timed inside the process.

    DuckDB runs through npm @duckdb/node-api (tests/servers) with SET threads=-Threads. Every output is
    checked: Parquet rows read back with DuckDB, NDJSON lines counted. The table gives the median
    wall time with [min-max], the largest peak RSS, and the ratios the targets are set on.
    Writes the markdown table to the console and to bench/out/results.md. Exits 1 if a run failed.

    Needs: python3 (for the generator), node 20+ with `npm ci --prefix tests/servers`, GNU time
    (`apt-get install time`) for peak RSS, the built module.

.PARAMETER Counts
    Item counts (default 30000, 100000).

.PARAMETER Repeat
    Runs of each runner (default 3; the median is reported).

.PARAMETER Case
    Which cases to run (default all): NdjsonToParquet, ParquetToNdjson, ConvertFrom.

.PARAMETER Tool
    Which side(s) to run: ours, duckdb (default both). E.g. -Tool ours for the 1,000,000-Item memory run.

.PARAMETER Threads
    DuckDB threads (default 2, the machine's core count the targets were set on).

.EXAMPLE
    dotnet pwsh ./bench/Invoke-Benchmark.ps1 -Counts 30000,100000 -Repeat 3

.EXAMPLE
    dotnet pwsh ./bench/Invoke-Benchmark.ps1 -Counts 1000000 -Repeat 1 -Case NdjsonToParquet -Tool ours
#>
[CmdletBinding()]
param(
    # strings, so that `pwsh -File … -Counts 10000,100000` (one argument) works too
    [string[]] $Counts = @('30000', '100000'),

    [ValidateRange(1, 20)]
    [int] $Repeat = 3,

    [ValidateSet('NdjsonToParquet', 'ParquetToNdjson', 'ConvertFrom')]
    [string[]] $Case = @('NdjsonToParquet', 'ParquetToNdjson', 'ConvertFrom'),

    [ValidateSet('ours', 'duckdb')]
    [string[]] $Tool = @('ours', 'duckdb'),

    [ValidateRange(1, 256)]
    [int] $Threads = 2
)

Set-StrictMode -Version Latest
$ErrorActionPreference = 'Stop'

. (Join-Path $PSScriptRoot 'BenchSupport.ps1')
$query = Join-Path $repo 'tests/duckdb/query.mjs'
$Counts = @($Counts -split ',' | ForEach-Object {
    $value = 0
    if (-not [int]::TryParse($_.Trim(), [Globalization.NumberStyles]::None, [Globalization.CultureInfo]::InvariantCulture, [ref]$value) -or $value -lt 1) {
        throw "-Counts: '$_' is not a positive whole number (give e.g. -Counts 10000,100000)"
    }
    $value
})

function Format-Number([object] $Value, [string] $Format) {
    if ($null -eq $Value) { return 'n/a' }
    return $Value.ToString($Format, [Globalization.CultureInfo]::InvariantCulture)
}

function Get-Median([double[]] $Values) {
    $sorted = @($Values | Sort-Object)
    $mid = [int][Math]::Floor($sorted.Count / 2)
    if ($sorted.Count % 2) { $sorted[$mid] } else { ($sorted[$mid - 1] + $sorted[$mid]) / 2 }
}

function Get-ParquetRowCount([string] $Path) {
    $sqlPath = "'" + $Path.Replace("'", "''") + "'"
    $json = & node $query "SELECT count(*) AS n FROM read_parquet($sqlPath)" 2>&1
    if ($LASTEXITCODE -ne 0) { throw "DuckDB cannot read ${Path}: $($json | Select-Object -First 1)" }
    [long](($json | Out-String | ConvertFrom-Json)[0].n)
}

function Get-LineCount([string] $Path) {
    $n = 0L
    foreach ($line in [IO.File]::ReadLines($Path)) { if ($line.Length) { $n++ } }
    $n
}

function New-OursCommand([string] $Script) {
    @('dotnet', 'pwsh', '-NoProfile', '-NonInteractive', '-Command',
        "`$ErrorActionPreference = 'Stop'; Import-Module ./out/StacPkg/StacPkg.psd1; $Script")
}

function Get-Rel([string] $Path) { [IO.Path]::GetRelativePath($repo, $Path) }

# One case: runners alternate within each repetition; each output is checked after its run.
function Invoke-Case([string] $Name, [int] $N, [object[]] $Runners) {
    $runners = @($Runners | Where-Object { $_.Tool -in $Tool })
    $times = @{}; $peaks = @{}
    foreach ($r in $runners) { $times[$r.Label] = [Collections.Generic.List[double]]::new(); $peaks[$r.Label] = 0.0 }
    for ($i = 1; $i -le $Repeat; $i++) {
        foreach ($r in $runners) {
            Write-Host "[$N] $Name / $($r.Label) run $i of $Repeat ..."
            if ($r['Output']) { Remove-Item -LiteralPath $r['Output'] -Recurse -Force -ErrorAction Ignore }
            $run = Measure-Process -Name "$($r.Tool)-$N" -Argv $r.Command
            $seconds = if ($r['InProcess']) { [double](@($run.Output)[-1]) } else { $run.Seconds }
            $times[$r.Label].Add($seconds)
            if ($run.PeakMiB -gt $peaks[$r.Label]) { $peaks[$r.Label] = $run.PeakMiB }
            if ($r['Check']) {
                $got = & $r.Check
                if ($got -ne $r['Expected']) { throw "$Name / $($r.Label): expected $($r['Expected']) Items in the output, found $got" }
            }
        }
    }
    foreach ($r in $runners) {
        $t = $times[$r.Label]
        [pscustomobject]@{
            Case = $Name; Items = $N; Label = $r.Label; Key = $r.Key
            Median = Get-Median $t; Min = ($t | Measure-Object -Minimum).Minimum; Max = ($t | Measure-Object -Maximum).Maximum
            PeakMiB = $peaks[$r.Label]; InProcess = [bool]$r['InProcess']
        }
    }
}

$nodeVersion = try { & node --version 2>$null } catch { 'node missing' }
$duckVersion = try { (& node $query 'SELECT version() AS v' 2>$null | Out-String | ConvertFrom-Json)[0].v } catch { 'unavailable' }
$cpu = try { ((Get-Content /proc/cpuinfo | Where-Object { $_ -like 'model name*' } | Select-Object -First 1) -split ':\s*', 2)[1] } catch { 'unknown' }
$loadBefore = try { ([IO.File]::ReadAllText('/proc/loadavg') -split ' ')[0] } catch { 'n/a' }
$startup = (Measure-Process -Name 'startup' -Argv (New-OursCommand '$null')).Seconds

$results = [Collections.Generic.List[object]]::new()
foreach ($n in $Counts) {
    $items = Get-ItemsFile -N $n
    $relItems = Get-Rel $items
    $oursParquet = Join-Path $outDir "ours-$n.parquet"
    if ('NdjsonToParquet' -in $Case) {
        $duckParquet = Join-Path $outDir "duckdb-$n.parquet"
        $package = Join-Path $outDir "package-$n"
        $results.AddRange(@(Invoke-Case 'NDJSON -> parquet' $n @(
            @{ Tool = 'ours'; Key = 'export'; Label = 'ours: Import-StacItem | Export-StacItem x.parquet'; Output = $oursParquet; Expected = $n
               Command = New-OursCommand "Import-StacItem -Path '$relItems' | Export-StacItem -Path '$(Get-Rel $oursParquet)'"
               Check = { Get-ParquetRowCount $oursParquet } }
            @{ Tool = 'ours'; Key = 'package'; Label = 'ours: Import-StacItem | New-StacPackage -NoProbe'; Output = $package; Expected = $n
               Command = New-OursCommand "Import-StacItem -Path '$relItems' | New-StacPackage -Path '$(Get-Rel $package)' -NoProbe -Force | Out-Null"
               Check = { Get-ParquetRowCount (Join-Path $package 'items.parquet') } }
            @{ Tool = 'duckdb'; Key = 'duckdb'; Label = 'DuckDB: COPY read_ndjson TO parquet'; Output = $duckParquet; Expected = $n
               Command = @('node', (Join-Path $repo 'bench/duckdb-copy.mjs'), $relItems, (Get-Rel $duckParquet), "$Threads")
               Check = { Get-ParquetRowCount $duckParquet } }
        )))
    }
    if ('ParquetToNdjson' -in $Case) {
        if (-not (Test-Path -LiteralPath $oursParquet)) {
            $null = Measure-Process -Name "ours-$n" -Argv (New-OursCommand "Import-StacItem -Path '$relItems' | Export-StacItem -Path '$(Get-Rel $oursParquet)'")
        }
        $relSource = Get-Rel $oursParquet
        $convertOut = Join-Path $outDir "ours-convert-$n.ndjson"
        $exportOut = Join-Path $outDir "ours-export-$n.ndjson"
        $duckOut = Join-Path $outDir "duckdb-$n.ndjson"
        $results.AddRange(@(Invoke-Case 'parquet -> NDJSON' $n @(
            @{ Tool = 'ours'; Key = 'convert'; Label = 'ours: Import-StacItem | ConvertTo-StacJson -Compress | Set-Content'; Output = $convertOut; Expected = $n
               Command = New-OursCommand "Import-StacItem -Path '$relSource' | ConvertTo-StacJson -Compress | Set-Content -LiteralPath '$(Get-Rel $convertOut)'"
               Check = { Get-LineCount $convertOut } }
            @{ Tool = 'ours'; Key = 'export'; Label = 'ours: Import-StacItem | Export-StacItem x.ndjson'; Output = $exportOut; Expected = $n
               Command = New-OursCommand "Import-StacItem -Path '$relSource' | Export-StacItem -Path '$(Get-Rel $exportOut)'"
               Check = { Get-LineCount $exportOut } }
            @{ Tool = 'duckdb'; Key = 'duckdb'; Label = 'DuckDB: COPY read_parquet TO x.ndjson'; Output = $duckOut; Expected = $n
               Command = @('node', (Join-Path $repo 'bench/duckdb-copy.mjs'), $relSource, (Get-Rel $duckOut), "$Threads")
               Check = { Get-LineCount $duckOut } }
        )))
    }
    if ('ConvertFrom' -in $Case -and 'ours' -in $Tool) {
        $objects = [Math]::Min($n, 10000)
        $results.AddRange(@(Invoke-Case 'ConvertFrom-StacJson' $n @(
            @{ Tool = 'ours'; Key = 'strings'; Label = 'ours: Get-Content -ReadCount 1000 | ConvertFrom-StacJson'
               Command = New-OursCommand "Get-Content -ReadCount 1000 -LiteralPath '$relItems' | ConvertFrom-StacJson | Out-Null" }
            @{ Tool = 'ours'; Key = 'objects'; Label = "ours: $objects Invoke-RestMethod-style objects | ConvertFrom-StacJson (in-process s)"; InProcess = $true
               Command = New-OursCommand ("`$o = Get-Content -TotalCount $objects -LiteralPath '$relItems' | ConvertFrom-Json; " +
                   "`$w = [Diagnostics.Stopwatch]::StartNew(); `$o | ConvertFrom-StacJson | Out-Null; `$w.Elapsed.TotalSeconds") }
        )))
    }
}

# --- report -----------------------------------------------------------------------------------
$lines = [Collections.Generic.List[string]]::new()
$lines.Add('## STAC Items: NDJSON <-> STAC GeoParquet')
$lines.Add('')
$lines.Add("$(Get-Date -Format 'yyyy-MM-dd HH:mm zzz'); $([Environment]::ProcessorCount) cores ($cpu), load average before the run $loadBefore; " +
    "DuckDB $duckVersion (node $nodeVersion, threads=$Threads); median of $Repeat alternating runs [min-max]; whole processes " +
    "(pwsh start-up + Import-Module alone: $(Format-Number $startup 'F2') s); peak RSS from GNU time.")
$lines.Add('')
$lines.Add('| case | items | runner | wall s | items/s | peak RSS MiB | ratio |')
$lines.Add('|---|---:|---|---:|---:|---:|---|')
foreach ($r in $results) {
    $peer = switch ("$($r.Case)/$($r.Key)") {
        { $_ -in 'NDJSON -> parquet/export', 'parquet -> NDJSON/convert', 'parquet -> NDJSON/export' } {
            $results | Where-Object { $_.Case -eq $r.Case -and $_.Items -eq $r.Items -and $_.Key -eq 'duckdb' }; break }
        'NDJSON -> parquet/package' { $results | Where-Object { $_.Case -eq $r.Case -and $_.Items -eq $r.Items -and $_.Key -eq 'export' }; break }
        default { $null }
    }
    $ratio = if ($peer) { "$(Format-Number ($r.Median / $peer.Median) 'F2')x of $(($peer.Key -eq 'duckdb') ? 'DuckDB' : 'Export-StacItem')" } else { '' }
    $count = if ($r.Key -eq 'objects') { [Math]::Min($r.Items, 10000) } else { $r.Items }
    $lines.Add("| $($r.Case) | $($r.Items) | $($r.Label.Replace('|', '\|')) | $(Format-Number $r.Median 'F2') [$(Format-Number $r.Min 'F2')-$(Format-Number $r.Max 'F2')] | " +
        "$(Format-Number ($count / $r.Median) 'N0') | $(($r.InProcess) ? '' : (Format-Number $r.PeakMiB 'N0')) | $ratio |")
}
$lines.Add('')
$lines.Add('Targets (issue 14): NDJSON -> parquet and parquet -> NDJSON at <= 0.5x of DuckDB, peak RSS <= 1024 MiB at 100,000 and 1,000,000 Items; ' +
    'New-StacPackage -NoProbe <= 1.2x of Export-StacItem.')

$report = $lines -join "`n"
Set-Content -LiteralPath (Join-Path $outDir 'results.md') -Value $report
Write-Host ''
Write-Host $report
