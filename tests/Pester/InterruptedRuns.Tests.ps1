# Runs that do not end on their own, as CI and shells end them: a folder that takes the target's name
# during a build, two builds racing into one target, SIGTERM (timeout, CI cancellation, Kubernetes)
# and kill -9. Nothing of the user's is lost, and nothing of ours stays beside the target.

BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    Import-Module $ModulePath -Force

    $script:root = (New-Item -ItemType Directory -Path (Join-Path ([IO.Path]::GetTempPath()) "stacpkg-interrupted-$([guid]::NewGuid().ToString('N').Substring(0, 8))")).FullName
    # Real-shaped Items, enough for a build of several seconds (about 50 MB of NDJSON).
    $script:bigItems = Join-Path $root 'big.ndjson'
    New-ItemsNdjson $bigItems 6000
    $script:smallItems = Join-Path $root 'small.ndjson'
    Get-Content -LiteralPath $bigItems -TotalCount 20 | Set-Content -LiteralPath $smallItems

    # A fresh, empty folder for one test's targets.
    function New-TargetFolder {
        (New-Item -ItemType Directory -Path (Join-Path $root ([guid]::NewGuid().ToString('N').Substring(0, 8)))).FullName
    }

    # Starts a child pwsh running one StacPkg pipeline; it writes its process id to a file first.
    function Start-Run([string] $Folder, [string] $Pipeline) {
        $pidFile = Join-Path $Folder "../$(Split-Path -Leaf $Folder).pid"
        $child = Start-ChildPwsh -Script @"
`$ErrorActionPreference = 'Stop'
Set-Content -LiteralPath '$pidFile' -Value `$PID
Import-Module '$ModulePath'
$Pipeline
"@
        $deadline = [DateTime]::UtcNow.AddSeconds(60)
        while (-not (Test-Path -LiteralPath $pidFile) -or -not (Get-Content -LiteralPath $pidFile)) {
            if ([DateTime]::UtcNow -gt $deadline -or $child.Process.HasExited) { throw "the child pwsh did not start: $($child.Stderr.Result)" }
            Start-Sleep -Milliseconds 50
        }
        $child | Add-Member -NotePropertyName Pwsh -NotePropertyValue ([int](Get-Content -LiteralPath $pidFile)) -PassThru
    }

    # Waits until a file matching -Filter under -Folder has at least -Bytes (the run is well under way).
    function Wait-Scratch([string] $Folder, [string] $Filter, [long] $Bytes = 1MB) {
        $deadline = [DateTime]::UtcNow.AddSeconds(60)
        while (-not (Get-ChildItem -LiteralPath $Folder -Recurse -Force -File -Filter $Filter | Where-Object Length -ge $Bytes)) {
            if ([DateTime]::UtcNow -gt $deadline) { throw "no $Filter of $Bytes bytes under $Folder within 60 s" }
            Start-Sleep -Milliseconds 50
        }
    }

    function Send-Signal([int] $ProcessId, [string] $Signal) {
        & kill -s $Signal $ProcessId
        if ($LASTEXITCODE -ne 0) { throw "kill -s $Signal $ProcessId failed" }
    }

    # The names in a folder, hidden ones included.
    function Get-Names([string] $Folder) { @(Get-ChildItem -LiteralPath $Folder -Force -Name | Sort-Object) }

    $script:exportBig = "Import-StacItem '$bigItems' | Export-StacItem '{0}' -WarningAction SilentlyContinue"
    $script:packageBig = "Import-StacItem '$bigItems' | New-StacPackage '{0}' -NoProbe -WarningAction SilentlyContinue {1} | Out-Null"
}

AfterAll {
    Remove-Item -LiteralPath $root -Recurse -Force -ErrorAction SilentlyContinue
}

Describe 'A folder that takes the target''s name during a build' {
    It 'fails the build and leaves the folder and its file as they were' {
        $folder = New-TargetFolder
        $target = Join-Path $folder 't2.pkg'
        $run = Start-Run $folder ($packageBig -f $target, '')
        Wait-Scratch $folder '*.spool'
        $null = New-Item -ItemType Directory -Path $target
        Set-Content -LiteralPath (Join-Path $target 'thesis.txt') -Value 'four years of work'
        $result = Wait-ChildPwsh $run -TimeoutSeconds 120
        $result.ExitCode | Should -Not -Be 0
        ($result.Output -join "`n") | Should -Match 'appeared while the package was built'
        Get-Content -LiteralPath (Join-Path $target 'thesis.txt') | Should -Be 'four years of work'
        Get-Names $target | Should -Be @('thesis.txt')
        Get-Names $folder | Should -Be @('t2.pkg')
    }
}

Describe 'Two builds racing into one target' {
    It 'lets exactly one commit; the other fails, and the package there is whole' {
        $folder = New-TargetFolder
        $target = Join-Path $folder 'race.pkg'
        $runs = foreach ($name in 'one', 'two') {
            $runFolder = New-Item -ItemType Directory -Path (Join-Path $folder "../$(Split-Path -Leaf $folder)-$name") -Force
            Start-Run $runFolder.FullName ($packageBig -f $target, '')
        }
        $results = @($runs | ForEach-Object { Wait-ChildPwsh $_ -TimeoutSeconds 420 })
        @($results | Where-Object ExitCode -eq 0).Count | Should -Be 1 -Because ($results.Output -join "`n")
        $failed = $results | Where-Object ExitCode -ne 0
        ($failed.Output -join "`n") | Should -Match ([regex]::Escape($target))
        Get-Names $folder | Should -Be @('race.pkg')
        Test-StacPackage -Path $target | Where-Object Status -eq 'Failed' | Should -BeNullOrEmpty
        (Get-StacPackage -Path $target).ItemCount | Should -Be 6000
    }
}

Describe 'SIGTERM stops a writing run as Ctrl+C does' {
    It 'Export-StacItem: the process ends promptly and leaves no spool, temp file or target' {
        $folder = New-TargetFolder
        $target = Join-Path $folder 'out.parquet'
        $run = Start-Run $folder ($exportBig -f $target)
        Wait-Scratch $folder '*.spool'
        $watch = [Diagnostics.Stopwatch]::StartNew()
        Send-Signal $run.Pwsh TERM
        $result = Wait-ChildPwsh $run -TimeoutSeconds 30
        $watch.Elapsed.TotalSeconds | Should -BeLessThan 15
        $result.ExitCode | Should -Not -Be 0
        Get-Names $folder | Should -BeNullOrEmpty
    }

    It 'New-StacPackage -Force: the package there stays as it was, and nothing else is left' {
        $folder = New-TargetFolder
        $target = Join-Path $folder 'p.pkg'
        Import-StacItem $smallItems | New-StacPackage $target -NoProbe -WarningAction SilentlyContinue | Out-Null
        $before = Get-ChildItem -LiteralPath $target -Recurse -File | ForEach-Object { "$($_.Name)=$((Get-FileHash -LiteralPath $_.FullName).Hash)" }
        $run = Start-Run $folder ($packageBig -f $target, '-Force')
        Wait-Scratch $folder '*.spool'
        Send-Signal $run.Pwsh TERM
        $result = Wait-ChildPwsh $run -TimeoutSeconds 30
        $result.ExitCode | Should -Not -Be 0
        Get-Names $folder | Should -Be @('p.pkg')
        Get-ChildItem -LiteralPath $target -Recurse -File | ForEach-Object { "$($_.Name)=$((Get-FileHash -LiteralPath $_.FullName).Hash)" } |
            Should -Be $before
    }

    It 'Export-StacItem -PartitionBy -Force: the previous folder stays as it was, and no temporary folder is left' {
        $folder = New-TargetFolder
        $target = Join-Path $folder 'ds'
        Import-StacItem $smallItems | Export-StacItem $target -PartitionBy Collection -WarningAction SilentlyContinue
        $before = Get-ChildItem -LiteralPath $target -Recurse -File | ForEach-Object { "$($_.FullName)=$((Get-FileHash -LiteralPath $_.FullName).Hash)" }
        $run = Start-Run $folder "Import-StacItem '$bigItems' | Export-StacItem '$target' -PartitionBy Collection -Force -WarningAction SilentlyContinue"
        Wait-Scratch $folder '*.spool'
        Send-Signal $run.Pwsh TERM
        $result = Wait-ChildPwsh $run -TimeoutSeconds 30
        $result.ExitCode | Should -Not -Be 0
        Get-Names $folder | Should -Be @('ds')
        Get-ChildItem -LiteralPath $target -Recurse -File | ForEach-Object { "$($_.FullName)=$((Get-FileHash -LiteralPath $_.FullName).Hash)" } |
            Should -Be $before
    }
}

Describe 'What a killed run (kill -9) left beside the target' {
    It 'is removed by the next run into the same folder: <Name>' -ForEach @(
        @{ Name = 'Export-StacItem'; Big = { param($f) $exportBig -f (Join-Path $f 'out.parquet') }; Expected = @('out.parquet')
           Next = { param($f) Import-StacItem $smallItems | Export-StacItem (Join-Path $f 'out.parquet') -WarningAction SilentlyContinue } }
        @{ Name = 'New-StacPackage'; Big = { param($f) $packageBig -f (Join-Path $f 'p.pkg'), '' }; Expected = @('other.pkg')
           Next = { param($f) Import-StacItem $smallItems | New-StacPackage (Join-Path $f 'other.pkg') -NoProbe -WarningAction SilentlyContinue | Out-Null } }
    ) {
        $folder = New-TargetFolder
        $run = Start-Run $folder (& $Big $folder)
        Wait-Scratch $folder '*.spool'
        Send-Signal $run.Pwsh KILL
        $null = Wait-ChildPwsh $run -TimeoutSeconds 30
        Get-Names $folder | Should -Not -BeNullOrEmpty -Because 'kill -9 leaves no chance to clean up'
        Start-Sleep -Seconds 3 # a later run: leftovers newer than 2 s are not yet taken for a killed run's
        & $Next $folder
        Get-Names $folder | Should -Be $Expected
    }

    It 'never takes the files of a run that is still alive' {
        $folder = New-TargetFolder
        $target = Join-Path $folder 'live.pkg'
        $run = Start-Run $folder ($packageBig -f $target, '')
        Wait-Scratch $folder '*.spool'
        Import-StacItem $smallItems | Export-StacItem (Join-Path $folder 'beside.parquet') -WarningAction SilentlyContinue
        $result = Wait-ChildPwsh $run -TimeoutSeconds 180
        $result.ExitCode | Should -Be 0 -Because ($result.Output -join "`n")
        Get-Names $folder | Should -Be @('beside.parquet', 'live.pkg')
    }
}
