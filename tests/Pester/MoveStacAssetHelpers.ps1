# Dot-sourced by the Move-StacAsset test files (after TestHelpers.ps1 and TestServers.ps1): Items
# and hashes for the sources, environment changes undone after the file, and a run that is stopped
# the way Ctrl+C stops it.

# One Item whose assets are -Assets (key → href); -Checksums (key → multihash) become file:checksum,
# so the lock built from the Item knows each content hash.
function New-TestItem([string] $Id, [Collections.IDictionary] $Assets, [Collections.IDictionary] $Checksums = @{}) {
    $assetObjects = [ordered]@{}
    foreach ($key in $Assets.Keys) {
        $asset = [ordered]@{ href = $Assets[$key]; roles = @('data') }
        if ($Checksums.Contains($key)) { $asset['file:checksum'] = $Checksums[$key] }
        $assetObjects[$key] = $asset
    }
    [ordered]@{
        type = 'Feature'; stac_version = '1.0.0'; id = $Id; geometry = $null
        properties = @{ datetime = '2024-01-01T00:00:00Z' }; links = @(); assets = $assetObjects
    } | ConvertTo-Json -Depth 10 -Compress | ConvertFrom-StacJson
}

# -ItemCount Items of 10 random objects each, written to -Root/-Folder (a folder nginx serves) and
# referenced through -BaseUrl (nginx or a proxy in front of it). Every -LargeEvery-th object, from
# -LargeAt, is 6 MiB (over a 5 MiB part or block), the others 1 to 64 KiB. Returns the Items and, per
# "item/asset", the Size and Checksum of its source.
function New-TestSourceItems {
    param([string] $Root, [string] $Folder, [string] $BaseUrl, [int] $ItemCount, [int] $LargeEvery, [int] $LargeAt, [int] $Seed)
    $null = New-Item -ItemType Directory -Path (Join-Path $Root $Folder)
    $rng = [Random]::new($Seed)
    $sources = @{}
    $items = foreach ($i in 0..($ItemCount - 1)) {
        $assets = [ordered]@{}
        $checksums = [ordered]@{}
        foreach ($j in 0..9) {
            $n = $i * 10 + $j
            $bytes = [byte[]]::new($(if ($n % $LargeEvery -eq $LargeAt) { 6MB } else { $rng.Next(1KB, 64KB) }))
            $rng.NextBytes($bytes)
            $name = 'o{0:D3}' -f $n
            [IO.File]::WriteAllBytes((Join-Path $Root "$Folder/$name.bin"), $bytes)
            $assets[$name] = "$BaseUrl/$Folder/$name.bin"
            $checksums[$name] = Get-Multihash $bytes
            $sources["item-$i/$name"] = [pscustomobject]@{ Size = $bytes.Length; Checksum = $checksums[$name] }
        }
        New-TestItem -Id "item-$i" -Assets $assets -Checksums $checksums
    }
    [pscustomobject]@{ Items = @($items); Sources = $sources }
}

function Get-Multihash([byte[]] $Bytes) {
    '1220' + [Convert]::ToHexString([Security.Cryptography.SHA256]::HashData($Bytes)).ToLowerInvariant()
}

function New-TempDirectory([string] $Name) {
    (New-Item -ItemType Directory -Path (Join-Path ([IO.Path]::GetTempPath()) "stacpkg-$Name-$([guid]::NewGuid().ToString('N').Substring(0, 8))")).FullName
}

# A lock as someone else could hand it over, in -Base: besides one good row ('good.bin', relative to
# the folder 'work/here' a test runs from), rows that name /etc/passwd, a file:// URI of it, a key that
# climbs out ('../../secret.txt'), a hidden file ('.env') and a symlink to the secret outside.
function New-ForeignLock([string] $Base) {
    $here = (New-Item -ItemType Directory -Path (Join-Path $Base 'work/here')).FullName
    [IO.File]::WriteAllText((Join-Path $Base 'secret.txt'), 'secret outside the root')
    [IO.File]::WriteAllText((Join-Path $here 'good.bin'), 'good bytes')
    [IO.File]::WriteAllText((Join-Path $here '.env'), 'TOKEN=hidden')
    $null = New-Item -ItemType SymbolicLink -Path (Join-Path $here 'link.bin') -Target (Join-Path $Base 'secret.txt')
    $lockPath = Join-Path $Base 'foreign.lock.parquet'
    New-TestItem -Id 'foreign' -Assets ([ordered]@{
            good = 'good.bin'; passwd = '/etc/passwd'; fileuri = 'file:///etc/passwd'; up = '../../secret.txt'; env = '.env'; link = 'link.bin'
        }) | New-StacAssetLock -NoProbe | Export-StacAssetLock -Path $lockPath
    @{ Here = $here; Lock = $lockPath; Refused = @('env', 'fileuri', 'link', 'passwd', 'up') }
}

$script:SavedEnvironment = @{}
function Set-TestEnvironment([hashtable] $Values) {
    foreach ($name in $Values.Keys) {
        if (-not $SavedEnvironment.ContainsKey($name)) { $SavedEnvironment[$name] = [Environment]::GetEnvironmentVariable($name) }
        [Environment]::SetEnvironmentVariable($name, $Values[$name])
    }
}

function Restore-TestEnvironment {
    foreach ($name in @($SavedEnvironment.Keys)) { [Environment]::SetEnvironmentVariable($name, $SavedEnvironment[$name]) }
    $SavedEnvironment.Clear()
}

# Runs Move-StacAsset with -Verbose; returns the new rows, the errors and how many rows it reported
# copied and skipped (already present).
function Invoke-CountedMove {
    param([Parameter(Mandatory)] [object[]] $Lock, [Parameter(Mandatory)] [hashtable] $Parameters)
    $rows = [Collections.Generic.List[object]]::new()
    $verbose = [Collections.Generic.List[string]]::new()
    $Lock | Move-StacAsset @Parameters -Verbose -ErrorVariable moveErrors -ErrorAction SilentlyContinue 4>&1 | ForEach-Object {
        if ($_ -is [Management.Automation.VerboseRecord]) { $verbose.Add($_.Message) } else { $rows.Add($_) }
    }
    [pscustomobject]@{
        Rows    = $rows.ToArray()
        Errors  = @($moveErrors)
        Copied  = @($verbose | Where-Object { $_ -match ': copied to ' }).Count
        Skipped = @($verbose | Where-Object { $_ -match ': already present at .*, skipped$' }).Count
        Verbose = $verbose.ToArray()
    }
}

# Starts Move-StacAsset in its own runspace, waits until -Until returns true (or 30 s pass), then
# stops the pipeline as Ctrl+C does; returns how long the stop took in seconds.
function Stop-MoveMidRun {
    param([Parameter(Mandatory)] [object[]] $Lock, [Parameter(Mandatory)] [hashtable] $Parameters, [Parameter(Mandatory)] [scriptblock] $Until)
    $ps = [powershell]::Create()
    try {
        $null = $ps.AddScript({
                param($ModulePath, $Lock, $Parameters)
                Import-Module $ModulePath
                $Lock | Move-StacAsset @Parameters
            }).AddArgument($ModulePath).AddArgument($Lock).AddArgument($Parameters)
        $async = $ps.BeginInvoke()
        $deadline = [DateTime]::UtcNow.AddSeconds(30)
        while (-not $async.IsCompleted -and -not (& $Until) -and [DateTime]::UtcNow -lt $deadline) { Start-Sleep -Milliseconds 20 }
        if ($async.IsCompleted) { throw 'the run completed before it could be stopped; give it more work' }
        $watch = [Diagnostics.Stopwatch]::StartNew()
        $ps.Stop()
        $watch.Elapsed.TotalSeconds
    }
    finally {
        $ps.Dispose()
    }
}
