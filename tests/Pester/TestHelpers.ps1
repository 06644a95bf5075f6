# Dot-sourced by every *.Tests.ps1: where the module under test and the sample data are, and how
# to run a fresh PowerShell process.

$script:RepoRoot = (Resolve-Path (Join-Path $PSScriptRoot '../..')).Path
$script:ModulePath = if ($env:STACPKG_MODULE_PATH) { $env:STACPKG_MODULE_PATH } else { Join-Path $RepoRoot 'out/StacPkg' }
$script:Samples = Join-Path $RepoRoot 'samples'
$script:NaipJson = Join-Path $Samples 'stac-geoparquet/naip-pc.json'
$script:SentinelJson = Join-Path $Samples 'rustac/two-sentinel-2-items.json'
$script:ItemsNdjson = Join-Path $Samples 'rustac/items.ndjson'

# The command line of a new process of the PowerShell running the tests (the dotnet tool runs as
# 'dotnet pwsh.dll') running a script; -Interactive lets it prompt (reading answers from its stdin).
function Get-ChildPwshCommand([string] $Script, [switch] $Interactive) {
    $exe = [Environment]::ProcessPath
    $prefix = @(if ([IO.Path]::GetFileNameWithoutExtension($exe) -eq 'dotnet') { Join-Path $PSHOME 'pwsh.dll' })
    $encoded = [Convert]::ToBase64String([Text.Encoding]::Unicode.GetBytes($Script))
    @($exe) + $prefix + @('-NoProfile') + @(if (-not $Interactive) { '-NonInteractive' }) + @('-EncodedCommand', $encoded)
}

# Runs a script in a new PowerShell process; returns its output lines and exit code. -Answer: lines
# typed at the prompts (the process is then interactive, reading them from its standard input).
function Invoke-ChildPwsh {
    param([Parameter(Mandatory)] [string] $Script, [string[]] $Answer)
    $exe, $arguments = Get-ChildPwshCommand $Script -Interactive:($null -ne $Answer)
    # Without colours: escape characters in a failure message would break Pester's XML report.
    $env:NO_COLOR = '1'
    try {
        $output = if ($null -eq $Answer) { & $exe @arguments 2>&1 } else { $Answer | & $exe @arguments 2>&1 }
        $output = $output | ForEach-Object { "$_" -replace '\x1b\[[0-9;?]*[A-Za-z]', '' }
    }
    finally {
        Remove-Item Env:NO_COLOR
    }
    [pscustomobject]@{ Output = @($output); ExitCode = $LASTEXITCODE }
}

# Starts a script in a new PowerShell process with extra environment variables and returns at once;
# Wait-ChildPwsh collects its output and exit code. For processes that must run side by side.
function Start-ChildPwsh {
    param([Parameter(Mandatory)] [string] $Script, [hashtable] $Environment = @{})
    $exe, $arguments = Get-ChildPwshCommand $Script
    $info = [Diagnostics.ProcessStartInfo]::new($exe)
    foreach ($a in $arguments) { $info.ArgumentList.Add($a) }
    $info.RedirectStandardOutput = $true
    $info.RedirectStandardError = $true
    $info.Environment['NO_COLOR'] = '1'
    foreach ($name in $Environment.Keys) { $info.Environment[$name] = [string]$Environment[$name] }
    $process = [Diagnostics.Process]::Start($info)
    [pscustomobject]@{ Process = $process; Stdout = $process.StandardOutput.ReadToEndAsync(); Stderr = $process.StandardError.ReadToEndAsync() }
}

function Wait-ChildPwsh {
    param([Parameter(Mandatory)] $Child, [int] $TimeoutSeconds = 300)
    if (-not $Child.Process.WaitForExit($TimeoutSeconds * 1000)) {
        $Child.Process.Kill($true)
        throw "child pwsh $($Child.Process.Id) did not finish within $TimeoutSeconds s"
    }
    $Child.Process.WaitForExit()
    [pscustomobject]@{ Output = ($Child.Stdout.Result + $Child.Stderr.Result) -split "`n"; ExitCode = $Child.Process.ExitCode }
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

# A new, empty folder in the temp directory; the caller removes it.
function New-TempDirectory([string] $Name) {
    (New-Item -ItemType Directory -Path (Join-Path ([IO.Path]::GetTempPath()) "stacpkg-$Name-$([guid]::NewGuid().ToString('N').Substring(0, 8))")).FullName
}

# What an adversary drops into a package folder (issue 11): links out of it (a file, a folder), a
# link loop, and foreign files a package never defines.
function Add-ForeignContent([string] $Package) {
    $null = New-Item -ItemType SymbolicLink -Path (Join-Path $Package 'passwd.txt') -Target '/etc/passwd'
    $null = New-Item -ItemType SymbolicLink -Path (Join-Path $Package 'ssl-link') -Target '/etc/ssl'
    $null = New-Item -ItemType SymbolicLink -Path (Join-Path $Package 'assets/loop') -Target $Package
    Set-Content -LiteralPath (Join-Path $Package '.env') -Value 'TOKEN=planted'
    $null = New-Item -ItemType Directory -Path (Join-Path $Package '.git')
    Set-Content -LiteralPath (Join-Path $Package '.git/config') -Value '[remote "origin"]'
}

# A pretty-printed FeatureCollection of 100 Items (ids f1..f100) with one comma removed inside
# feature #2, as a hand edit might leave it.
function New-BrokenFeatureCollection([string] $Path) {
    $pretty = Get-Content -LiteralPath $ItemsNdjson -First 1 | ConvertFrom-Json -Depth 50 | ConvertTo-Json -Depth 50
    # Indented inside the array, as pretty printers write it.
    $pretty = ($pretty -split "`r?`n" | ForEach-Object { "    $_" }) -join "`n"
    $features = foreach ($i in 1..100) { $pretty.Replace('"id": "dataset"', "`"id`": `"f$i`"") }
    $features[1] = $features[1].Replace('"id": "f2",', '"id": "f2"')
    Set-Content -LiteralPath $Path -Value ("{`n`"type`": `"FeatureCollection`",`n`"features`": [`n" + ($features -join ",`n") + "`n]`n}")
}

# Real-shaped Items in bulk: the Items of the stac-geoparquet fixtures (ten public collections), cycled
# to -Count NDJSON lines, each with its own id. For runs that must take a while.
function New-ItemsNdjson([string] $Path, [int] $Count) {
    $fixtures = Join-Path $RepoRoot 'tests/fixtures/stac-geoparquet'
    $items = foreach ($file in Get-ChildItem -LiteralPath $fixtures -Filter '*.json' | Sort-Object Name) {
        foreach ($item in (Get-Content -LiteralPath $file.FullName -Raw | ConvertFrom-Json -DateKind String -Depth 100)) {
            [pscustomobject]@{ Id = $item.id; Json = ConvertTo-Json -InputObject $item -Depth 100 -Compress }
        }
    }
    $writer = [IO.StreamWriter]::new($Path, $false, [Text.UTF8Encoding]::new($false))
    try {
        for ($i = 0; $i -lt $Count; $i++) {
            $item = $items[$i % $items.Count]
            $writer.WriteLine($item.Json.Replace("`"id`":`"$($item.Id)`"", "`"id`":`"$($item.Id)-$i`""))
        }
    }
    finally {
        $writer.Dispose()
    }
}

# JSON with object keys sorted and timestamps as instants, so equal Items compare equal
# whatever the member order or the fractional digits of a timestamp.
function ConvertTo-CanonicalJson([Parameter(ValueFromPipeline)] $Item) {
    process {
        $value = ConvertTo-StacJson $Item -Compress | ConvertFrom-Json -AsHashtable
        Format-Canonical $value | ConvertTo-Json -Depth 100 -Compress
    }
}
function Format-Canonical($Value) {
    if ($Value -is [System.Collections.IDictionary]) {
        $sorted = [ordered]@{}
        foreach ($key in $Value.Keys | Sort-Object) { $sorted[$key] = Format-Canonical $Value[$key] }
        return $sorted
    }
    if ($Value -is [System.Collections.IList]) {
        return , @($Value | ForEach-Object { Format-Canonical $_ })
    }
    if ($Value -is [datetime]) {
        return $Value.ToUniversalTime().ToString('o')
    }
    $Value
}
