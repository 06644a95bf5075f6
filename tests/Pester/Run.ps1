<#
.SYNOPSIS
    Runs the Pester tests in this folder against a built module; build.ps1 -Task Test calls it in a
    child process and reads the counts it writes to -SummaryPath.
#>
param(
    [Parameter(Mandatory)] [string] $PesterPath,
    [Parameter(Mandatory)] [string] $ModulePath,
    [Parameter(Mandatory)] [string] $ResultDirectory,
    [Parameter(Mandatory)] [string] $SummaryPath
)
$ErrorActionPreference = 'Stop'
if ($env:CI -eq 'true') {
    $ProgressPreference = 'SilentlyContinue'
}
Import-Module $PesterPath -Force
# The tests find the module under test here (see TestHelpers.ps1).
$env:STACPKG_MODULE_PATH = $ModulePath

$config = New-PesterConfiguration
$config.Run.Path = $PSScriptRoot
$config.Run.PassThru = $true
$config.Output.Verbosity = 'Detailed'
$config.TestResult.Enabled = $true
$config.TestResult.OutputFormat = 'NUnitXml'
$config.TestResult.OutputPath = Join-Path $ResultDirectory 'Pester.xml'
$result = Invoke-Pester -Configuration $config
if ($null -eq $result) {
    throw 'Invoke-Pester returned no result'
}

# A block or file that failed outside any test (BeforeAll, discovery) fails the run too.
$failed = $result.FailedCount + $result.FailedBlocksCount + $result.FailedContainersCount
$failedNames = @(
    $result.Failed | ForEach-Object { "Pester: $($_.ExpandedPath) -- $(($_.ErrorRecord | Select-Object -First 1).Exception.Message -split "`n" | Select-Object -First 1)" }
    $result.FailedBlocks | ForEach-Object { "Pester block: $($_.Path -join '.')" }
    $result.FailedContainers | ForEach-Object { "Pester file: $($_.Item)" }
)
[pscustomobject]@{
    Passed      = $result.PassedCount
    Failed      = $failed
    Skipped     = $result.SkippedCount + $result.NotRunCount + $result.InconclusiveCount
    FailedNames = $failedNames
} | ConvertTo-Json | Set-Content -LiteralPath $SummaryPath
exit ([int]($failed -gt 0))
