# Dot-sourced by every bench/Invoke-*Benchmark.ps1: where things are, the built module (required),
# how to start a child pwsh, and the generated Items files.

$script:repo = Split-Path -Parent $PSScriptRoot
$script:outDir = Join-Path $repo 'bench/out'
$script:module = Join-Path $repo 'out/StacPkg/StacPkg.psd1'
$script:gnuTime = '/usr/bin/time'
$script:generator = [IO.Path]::GetFullPath((Join-Path $repo '../shared/bench/gen_items.py'))
if (-not (Test-Path -LiteralPath $module)) {
    throw "the module is not built: run 'dotnet pwsh ./build.ps1 -Task Build' first"
}
$null = New-Item -ItemType Directory -Force -Path $outDir

# The PowerShell running this script, as a command line (the dotnet tool runs as 'dotnet pwsh.dll').
$script:exe = [Environment]::ProcessPath
$script:pwshPrefix = @(if ([IO.Path]::GetFileNameWithoutExtension($exe) -eq 'dotnet') { Join-Path $PSHOME 'pwsh.dll' })

# bench/out/items-<N>.ndjson, generated once by ../shared/bench/gen_items.py.
function Get-ItemsFile([int] $N) {
    $path = Join-Path $outDir "items-$N.ndjson"
    if (Test-Path -LiteralPath $path) { return $path }
    if (-not (Test-Path -LiteralPath $generator)) { throw "generator not found: $generator" }
    Write-Host "generating $N items -> $path"
    & python3 $generator $N "$path.partial"
    if ($LASTEXITCODE -ne 0) { throw "gen_items.py failed with exit code $LASTEXITCODE" }
    Move-Item -LiteralPath "$path.partial" -Destination $path -Force
    $path
}

# One child process under GNU time: wall seconds and peak RSS (MiB; null without GNU time).
function Measure-Process([string] $Name, [string[]] $Argv) {
    $timeFile = Join-Path $outDir "$Name.time"
    Remove-Item -LiteralPath $timeFile -ErrorAction Ignore
    $useTime = Test-Path -LiteralPath $gnuTime
    $watch = [Diagnostics.Stopwatch]::StartNew()
    $output = if ($useTime) { & $gnuTime -v -o $timeFile @Argv 2>&1 } else { & $Argv[0] @($Argv | Select-Object -Skip 1) 2>&1 }
    $watch.Stop()
    if ($LASTEXITCODE -ne 0) { throw "$Name failed ($LASTEXITCODE): $($output -join "`n")" }
    $peak = $null
    if ($useTime) {
        $m = Select-String -LiteralPath $timeFile -Pattern 'Maximum resident set size \(kbytes\): (\d+)'
        if ($m) { $peak = [long]$m.Matches[0].Groups[1].Value / 1024 }
    }
    [pscustomobject]@{ Seconds = $watch.Elapsed.TotalSeconds; PeakMiB = $peak; Output = $output }
}

# Runs a command line under GNU time (its report goes to <Folder>/<Name>.time): wall seconds (stopwatch),
# peak RSS MiB, CPU seconds (user+sys), output lines.
function Invoke-Timed([string] $Folder, [string] $Name, [string[]] $Argv) {
    $timeFile = Join-Path $Folder "$Name.time"
    $watch = [Diagnostics.Stopwatch]::StartNew()
    $output = & $gnuTime -v -o $timeFile @Argv 2>&1
    $watch.Stop()
    if ($LASTEXITCODE -ne 0) {
        # An rclone error may quote a request URL; its SAS signature stays out of the message.
        throw "$Name failed ($LASTEXITCODE): $(($output -join "`n") -replace '(sig=)[^&\s"]+', '$1***')"
    }
    $report = Get-Content -LiteralPath $timeFile -Raw
    $number = { param($label) [double]([regex]::Match($report, [regex]::Escape($label) + ': ([\d.]+)').Groups[1].Value) }
    [pscustomobject]@{
        Seconds = $watch.Elapsed.TotalSeconds; PeakMiB = (& $number 'Maximum resident set size (kbytes)') / 1024
        CpuSeconds = (& $number 'User time (seconds)') + (& $number 'System time (seconds)'); Output = $output
    }
}

function Get-Median([double[]] $Values) {
    $sorted = @($Values | Sort-Object)
    $n = $sorted.Count
    if ($n % 2) { $sorted[($n - 1) / 2] } else { ($sorted[$n / 2 - 1] + $sorted[$n / 2]) / 2 }
}
