# Dot-sourced by every *.Tests.ps1: where the module under test and the sample data are, and how
# to run a fresh PowerShell process.

$script:RepoRoot = (Resolve-Path (Join-Path $PSScriptRoot '../..')).Path
$script:ModulePath = if ($env:STACPKG_MODULE_PATH) { $env:STACPKG_MODULE_PATH } else { Join-Path $RepoRoot 'out/StacPkg' }
$script:Samples = Join-Path $RepoRoot 'samples'
$script:NaipJson = Join-Path $Samples 'stac-geoparquet/naip-pc.json'
$script:SentinelJson = Join-Path $Samples 'rustac/two-sentinel-2-items.json'
$script:ItemsNdjson = Join-Path $Samples 'rustac/items.ndjson'

# Runs a script in a new process of the PowerShell running the tests (the dotnet tool runs as
# 'dotnet pwsh.dll'); returns its output lines and exit code.
function Invoke-ChildPwsh {
    param([Parameter(Mandatory)] [string] $Script)
    $exe = [Environment]::ProcessPath
    $prefix = @(if ([IO.Path]::GetFileNameWithoutExtension($exe) -eq 'dotnet') { Join-Path $PSHOME 'pwsh.dll' })
    $encoded = [Convert]::ToBase64String([Text.Encoding]::Unicode.GetBytes($Script))
    # Without colours: escape characters in a failure message would break Pester's XML report.
    $env:NO_COLOR = '1'
    try {
        $output = & $exe @prefix -NoProfile -NonInteractive -EncodedCommand $encoded 2>&1 | ForEach-Object { "$_" -replace '\x1b\[[0-9;?]*[A-Za-z]', '' }
    }
    finally {
        Remove-Item Env:NO_COLOR
    }
    [pscustomobject]@{ Output = @($output); ExitCode = $LASTEXITCODE }
}

function Get-NuGetPackagesFolder {
    if ($env:NUGET_PACKAGES) {
        return $env:NUGET_PACKAGES
    }
    $line = & dotnet nuget locals global-packages --list | Select-Object -Last 1
    ($line -replace '^[^:]*global-packages:\s*', '').Trim()
}

# build.ps1 -Task Package (and -Task Test) writes the gallery package beside the module.
$script:PackageDirectory = Join-Path (Split-Path -Parent $ModulePath) 'package'
