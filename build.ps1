#Requires -Version 7.4
<#
.SYNOPSIS
    Builds, tests and demonstrates the StacPkg module.
.DESCRIPTION
    Build   lays out an importable module in out/StacPkg: the manifest (version from
            Directory.Build.props), formats and StacPkg.dll at the root, StacPkg.Core and its
            dependencies in deps/, where the module's private load context finds them.
    Test    builds and packs (as Package), runs the xunit tests and the Pester tests, prints one line
            'Tests: N passed, N failed, N skipped' and exits non-zero on any failure.
    Docs    turns docs/help/<Cmdlet>.md into the module's MAML help (en-US/StacPkg.dll-Help.xml);
            Build does this too. Fails naming the page when a page, a section, an example or a
            parameter is missing, or a page documents a parameter the cmdlet does not have.
    Demo    builds and runs the main job offline on the Items in samples/.
    Package builds and packs out/StacPkg into a PowerShell Gallery-style module package,
            out/package/StacPkg.<version>.nupkg (Compress-PSResource), for Publish-PSResource or a
            folder repository. Test builds it too: a Pester test installs it.
    Bench   builds and runs bench/Invoke-Benchmark.ps1, Invoke-LockBenchmark.ps1, Invoke-PackageBenchmark.ps1,
            Invoke-RelocationBenchmark.ps1 and Invoke-OciBenchmark.ps1 (-Benchmark picks some of them).
.EXAMPLE
    dotnet tool restore && dotnet pwsh ./build.ps1 -Task Test
#>
[CmdletBinding()]
param(
    [ValidateSet('Build', 'Test', 'Demo', 'Bench', 'Docs', 'Package')]
    [string] $Task = 'Build',

    [string] $Configuration = 'Release',

    # With -Task Bench: which benchmarks to run (default all).
    [ValidateSet('Items', 'Lock', 'Package', 'Relocation', 'Oci')]
    [string[]] $Benchmark = @('Items', 'Lock', 'Package', 'Relocation', 'Oci')
)

$ErrorActionPreference = 'Stop'
Set-StrictMode -Version Latest
if ($env:CI -eq 'true') {
    # Progress rendering in a CI log is noise and slows pipelines down.
    $ProgressPreference = 'SilentlyContinue'
}

$Root = $PSScriptRoot
$OutDir = Join-Path $Root 'out'
$ModuleDir = Join-Path $OutDir 'StacPkg'
$TestResultsDir = Join-Path $OutDir 'TestResults'
$PackageDir = Join-Path $OutDir 'package'

# Native output goes to the host, so functions return only their results.
function Invoke-Dotnet {
    & dotnet @args | Out-Host
    if ($LASTEXITCODE -ne 0) {
        throw "dotnet $($args -join ' ') failed with exit code $LASTEXITCODE"
    }
}

function Get-ModuleVersion {
    $props = [xml](Get-Content -LiteralPath (Join-Path $Root 'Directory.Build.props') -Raw)
    $version = $props.Project.PropertyGroup | ForEach-Object { $_['VersionPrefix'] } | Where-Object { $_ } | Select-Object -First 1
    if (-not $version) {
        throw 'Directory.Build.props has no VersionPrefix'
    }
    $version.InnerText
}

# The PowerShell running this script, as a command line: the dotnet tool runs as 'dotnet pwsh.dll'.
function Get-PwshCommand {
    $exe = [Environment]::ProcessPath
    if ([IO.Path]::GetFileNameWithoutExtension($exe) -eq 'dotnet') {
        return @($exe, (Join-Path $PSHOME 'pwsh.dll'))
    }
    @($exe)
}

function Get-NuGetPackagesFolder {
    if ($env:NUGET_PACKAGES) {
        return $env:NUGET_PACKAGES
    }
    $line = & dotnet nuget locals global-packages --list | Select-Object -Last 1
    ($line -replace '^[^:]*global-packages:\s*', '').Trim()
}

function Invoke-Build {
    $staging = Join-Path $OutDir 'staging'
    if (Test-Path -LiteralPath $staging) {
        Remove-Item -LiteralPath $staging -Recurse -Force
    }
    # Core is published on its own so deps/ gets exactly Core and its dependency closure.
    Invoke-Dotnet publish (Join-Path $Root 'src/StacPkg.Core/StacPkg.Core.csproj') -c $Configuration -o (Join-Path $staging 'deps') --nologo
    Invoke-Dotnet build (Join-Path $Root 'src/StacPkg.PowerShell/StacPkg.PowerShell.csproj') -c $Configuration --nologo

    if (Test-Path -LiteralPath $ModuleDir) {
        Remove-Item -LiteralPath $ModuleDir -Recurse -Force
    }
    $null = New-Item -ItemType Directory -Path $ModuleDir
    $binary = Join-Path $Root "src/StacPkg.PowerShell/bin/$Configuration/net8.0"
    Copy-Item -LiteralPath (Join-Path $binary 'StacPkg.dll'), (Join-Path $binary 'StacPkg.pdb') -Destination $ModuleDir
    Copy-Item -LiteralPath (Join-Path $Root 'src/StacPkg.PowerShell/StacPkg.Format.ps1xml') -Destination $ModuleDir
    # The private load context probes deps/ by file name; deps.json files are not read there.
    Move-Item -LiteralPath (Join-Path $staging 'deps') -Destination $ModuleDir
    Get-ChildItem -LiteralPath (Join-Path $ModuleDir 'deps') -Filter '*.deps.json' | Remove-Item
    Remove-Item -LiteralPath $staging -Recurse -Force

    $version = Get-ModuleVersion
    $manifest = Get-Content -LiteralPath (Join-Path $Root 'StacPkg.psd1') -Raw
    $manifest = $manifest -replace "(?m)^(\s*ModuleVersion\s*=\s*)'[^']*'", "`${1}'$version'"
    $manifestPath = Join-Path $ModuleDir 'StacPkg.psd1'
    Set-Content -LiteralPath $manifestPath -Value $manifest -NoNewline
    $info = Test-ModuleManifest -Path $manifestPath
    if ($info.Version -ne [version]$version) {
        throw "the manifest in $ModuleDir has version $($info.Version), expected $version"
    }
    Invoke-Docs
    Write-Host "Built StacPkg $version in $ModuleDir"
}

# The help generator imports the built module, so it runs in a child process (see Invoke-PesterTests).
function Invoke-Docs {
    $pwsh = @(Get-PwshCommand)
    & $pwsh[0] @($pwsh | Select-Object -Skip 1) -NoProfile -NonInteractive -File (Join-Path $Root 'tools/Help/New-HelpXml.ps1') `
        -ModulePath $ModuleDir -DocsPath (Join-Path $Root 'docs/help') | Out-Host
    if ($LASTEXITCODE -ne 0) {
        throw "the help could not be generated from docs/help (exit code $LASTEXITCODE); see the message above"
    }
}

# Microsoft.PowerShell.PSResourceGet ships with PowerShell 7.4+; Compress-PSResource validates the
# manifest and writes the .nupkg the gallery takes, without publishing it anywhere.
function Invoke-Package {
    Invoke-Build
    if (Test-Path -LiteralPath $PackageDir) {
        Remove-Item -LiteralPath $PackageDir -Recurse -Force
    }
    $null = New-Item -ItemType Directory -Path $PackageDir
    Compress-PSResource -Path $ModuleDir -DestinationPath $PackageDir
    $package = Join-Path $PackageDir "StacPkg.$(Get-ModuleVersion).nupkg"
    if (-not (Test-Path -LiteralPath $package)) {
        throw "Compress-PSResource did not write $package"
    }
    Write-Host "Packed $package"
}

# Counts the results in a TRX file by outcome; a skipped xunit test is 'NotExecuted'.
function Get-TrxCount([string] $Path) {
    $trx = [xml](Get-Content -LiteralPath $Path -Raw)
    $results = @($trx.TestRun.Results.ChildNodes | Where-Object LocalName -EQ 'UnitTestResult')
    $failures = @($results | Where-Object outcome -In 'Failed', 'Error', 'Timeout', 'Aborted')
    [pscustomobject]@{
        Passed      = @($results | Where-Object outcome -EQ 'Passed').Count
        Failed      = $failures.Count
        Skipped     = @($results | Where-Object outcome -In 'NotExecuted', 'Inconclusive', 'NotRunnable').Count
        FailedNames = @($failures | ForEach-Object { "xunit: $($_.testName)" })
    }
}

function Invoke-CoreTests {
    $trxName = 'StacPkg.Core.Tests.trx'
    $trxPath = Join-Path $TestResultsDir $trxName
    & dotnet test (Join-Path $Root 'tests/StacPkg.Core.Tests/StacPkg.Core.Tests.csproj') -c $Configuration --nologo `
        --logger "trx;LogFileName=$trxName" --results-directory $TestResultsDir | Out-Host
    $exitCode = $LASTEXITCODE
    if (-not (Test-Path -LiteralPath $trxPath)) {
        # No results at all (the tests did not build): that is a failure, not an empty run.
        Write-Host "xunit: no results (dotnet test exit code $exitCode)"
        return [pscustomobject]@{ Passed = 0; Failed = 1; Skipped = 0 }
    }
    $count = Get-TrxCount $trxPath
    if ($exitCode -ne 0 -and $count.Failed -eq 0) {
        Write-Host "xunit: dotnet test exited with $exitCode without a failed test"
        $count.Failed = 1
    }
    Write-Host "xunit: $($count.Passed) passed, $($count.Failed) failed, $($count.Skipped) skipped"
    $count
}

# Pester runs in a child process: the tests import the built module, and a module loaded into the
# caller's session would pin its files (on Windows, the next build could not replace them).
function Invoke-PesterTests {
    Invoke-Dotnet restore (Join-Path $Root 'tools/TestTools.csproj') --nologo
    $pester = Join-Path (Get-NuGetPackagesFolder) 'pester/5.7.1/tools/Pester.psd1'
    $summaryPath = Join-Path $TestResultsDir 'pester-summary.json'
    if (Test-Path -LiteralPath $summaryPath) {
        Remove-Item -LiteralPath $summaryPath
    }
    $pwsh = @(Get-PwshCommand)
    & $pwsh[0] @($pwsh | Select-Object -Skip 1) -NoProfile -NonInteractive -File (Join-Path $Root 'tests/Pester/Run.ps1') `
        -PesterPath $pester -ModulePath $ModuleDir -ResultDirectory $TestResultsDir -SummaryPath $summaryPath | Out-Host
    if (-not (Test-Path -LiteralPath $summaryPath)) {
        Write-Host "Pester: no results (exit code $LASTEXITCODE)"
        return [pscustomobject]@{ Passed = 0; Failed = 1; Skipped = 0 }
    }
    $count = Get-Content -LiteralPath $summaryPath -Raw | ConvertFrom-Json
    Write-Host "Pester: $($count.Passed) passed, $($count.Failed) failed, $($count.Skipped) skipped"
    $count
}

function Invoke-Test {
    Invoke-Package
    $null = New-Item -ItemType Directory -Path $TestResultsDir -Force
    $counts = @(Invoke-CoreTests; Invoke-PesterTests)
    $passed = ($counts | Measure-Object Passed -Sum).Sum
    $failed = ($counts | Measure-Object Failed -Sum).Sum
    $skipped = ($counts | Measure-Object Skipped -Sum).Sum
    # Repeated beside the summary: a CI log is often read only from its end.
    foreach ($name in @($counts | ForEach-Object { $_.PSObject.Properties['FailedNames']?.Value })) {
        Write-Host "FAILED $name"
    }
    Write-Host "Tests: $passed passed, $failed failed, $skipped skipped"
    if ($failed -gt 0) {
        exit 1
    }
}

function Invoke-Demo {
    Invoke-Build
    Import-Module $ModuleDir -Force
    $samples = Join-Path $Root 'samples'
    $work = Join-Path ([IO.Path]::GetTempPath()) "stacpkg-demo-$([guid]::NewGuid().ToString('N').Substring(0, 8))"
    $null = New-Item -ItemType Directory -Path $work

    Write-Host "StacPkg demo: sample Items in, STAC GeoParquet out and back, offline"
    $naip = Join-Path $samples 'stac-geoparquet/naip-pc.json'
    $fromLines = @(Get-Content -LiteralPath $naip | ConvertFrom-StacJson)
    Write-Host ("  Get-Content naip-pc.json | ConvertFrom-StacJson       -> {0} Items (pretty-printed JSON, line by line)" -f $fromLines.Count)
    $sentinel = Join-Path $samples 'rustac/two-sentinel-2-items.json'
    $fromObjects = @(Get-Content -LiteralPath $sentinel -Raw | ConvertFrom-Json | ConvertFrom-StacJson)
    Write-Host ("  ConvertFrom-Json two-sentinel-2-items.json | ConvertFrom-StacJson -> {0} Items (objects, as from Invoke-RestMethod)" -f $fromObjects.Count)
    $fromNdjson = @(Import-StacItem -Path (Join-Path $samples 'rustac/items.ndjson'))
    Write-Host ("  Import-StacItem items.ndjson                          -> {0} Items" -f $fromNdjson.Count)

    $all = $fromLines + $fromObjects + $fromNdjson
    $parquet = Join-Path $work 'samples.parquet'
    $all | Export-StacItem -Path $parquet
    $file = Get-Item -LiteralPath $parquet
    Write-Host ("  Export-StacItem samples.parquet                       -> {0} Items, {1:N0} bytes in {2}" -f $all.Count, $file.Length, $file.FullName)

    $back = @(Import-StacItem -Path $parquet)
    Write-Host ("  Import-StacItem samples.parquet                       -> {0} Items" -f $back.Count)
    $idsBack = @($back.Id | Sort-Object) -join ','
    Write-Host ("  ids read back match the ids written: {0}" -f ($idsBack -eq (@($all.Id | Sort-Object) -join ',')))
    $back | Format-Table | Out-String -Width 160 | Write-Host

    Write-Host "StacPkg demo: a package from the samples, inspected, checked, tampered with, checked again"
    $remote = Join-Path $work 'samples.pkg'
    # The samples' assets are remote: lock them from their hrefs without asking the stores.
    $info = $all | New-StacPackage -Path $remote -NoProbe -WarningAction SilentlyContinue
    Write-Host ("  New-StacPackage -NoProbe samples.pkg                  -> {0} Items, {1} locked assets" -f $info.ItemCount, $info.AssetCount)
    $remoteFailed = @(Test-StacPackage -Path $remote | Where-Object Status -eq 'Failed').Count
    Write-Host ("  Test-StacPackage samples.pkg                          -> {0} failed checks" -f $remoteFailed)

    # Local asset files, so the bundled package needs no network.
    $assetDir = New-Item -ItemType Directory -Path (Join-Path $work 'local-assets')
    $local = foreach ($id in 'demo-1', 'demo-2') {
        $assets = [ordered]@{}
        foreach ($key in 'visual', 'thumbnail') {
            $file = Join-Path $assetDir "$id-$key.tif"
            [IO.File]::WriteAllText($file, "$id $key bytes " + ('x' * 1000))
            $assets[$key] = @{ href = $file; type = 'image/tiff'; roles = @('data') }
        }
        [ordered]@{
            type = 'Feature'; stac_version = '1.1.0'; id = $id; collection = 'demo'
            geometry = @{ type = 'Point'; coordinates = @(16.37, 48.21) }; bbox = @(16.37, 48.21, 16.37, 48.21)
            properties = @{ datetime = '2024-05-01T10:00:00Z' }; links = @(); assets = $assets
        } | ConvertTo-Json -Depth 10 -Compress
    }
    $readme = Join-Path $work 'README.md'
    Set-Content -LiteralPath $readme -Value '# Demo package'
    $bundled = Join-Path $work 'bundled.pkg'
    # The asset files are in the temp folder, not the current location: bundling may read them only when named.
    $local | ConvertFrom-StacJson | New-StacPackage -Path $bundled -IncludeAssets -SourceRoot $assetDir -Include $readme | Out-Null
    Write-Host "  New-StacPackage -IncludeAssets -SourceRoot local-assets -Include README.md bundled.pkg"
    Get-StacPackage -Path $bundled -AsMarkdown | Write-Host
    (Get-StacPackage -Path $bundled).Files | Format-Table Path, Size, Sha256 | Out-String -Width 160 | Write-Host
    $before = @(Test-StacPackage -Path $bundled)
    Write-Host ("  Test-StacPackage bundled.pkg                          -> {0} checks, {1} failed" -f $before.Count, @($before | Where-Object Status -eq 'Failed').Count)

    $tampered = Join-Path $bundled 'assets/demo-2/visual.tif'
    [IO.File]::WriteAllText($tampered, 'demo-2 visual bytes, changed after packaging')
    Write-Host "  tampered with assets/demo-2/visual.tif"
    $after = @(Test-StacPackage -Path $bundled -ErrorAction SilentlyContinue | Where-Object Status -eq 'Failed')
    Write-Host ("  Test-StacPackage bundled.pkg                          -> {0} failed: {1}" -f $after.Count, (@($after | ForEach-Object { "$($_.Check) $($_.File)" }) -join ', '))
    $after | Format-Table Status, Check, Target, Message -Wrap | Out-String -Width 160 | Write-Host
    # The changed file fails twice: against its lock row and against the package manifest.
    $expected = 'manifest assets/demo-2/visual.tif,lock-row assets/demo-2/visual.tif'
    if ($remoteFailed -ne 0 -or @($before | Where-Object Status -eq 'Failed').Count -ne 0 -or (@($after | ForEach-Object { "$($_.Check) $($_.File)" }) -join ',') -ne $expected) {
        throw 'demo: the package checks did not come out as expected'
    }
    Remove-Item -LiteralPath $work -Recurse -Force
}

function Invoke-Bench {
    Invoke-Build
    # Items NDJSON -> GeoParquet against DuckDB; asset lock validation against curl on loopback
    # servers (nginx; s3rver and Azurite when installed); package builds; relocation against rclone;
    # OCI push/pull of a 1 GiB package against curl on a loopback Distribution registry.
    $scripts = [ordered]@{
        Items = 'Invoke-Benchmark.ps1'; Lock = 'Invoke-LockBenchmark.ps1'; Package = 'Invoke-PackageBenchmark.ps1'
        Relocation = 'Invoke-RelocationBenchmark.ps1'; Oci = 'Invoke-OciBenchmark.ps1'
    }
    foreach ($name in $scripts.Keys) {
        if ($name -in $Benchmark) {
            & (Join-Path $Root "bench/$($scripts[$name])")
        }
    }
}

switch ($Task) {
    'Build' { Invoke-Build }
    'Test' { Invoke-Test }
    'Demo' { Invoke-Demo }
    'Bench' { Invoke-Bench }
    'Package' { Invoke-Package }
    'Docs' {
        if (Test-Path -LiteralPath (Join-Path $ModuleDir 'StacPkg.dll')) { Invoke-Docs } else { Invoke-Build }
    }
}
