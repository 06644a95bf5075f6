BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    Import-Module $ModulePath -Force

    # Items of several shapes: many assets, a null geometry, properties that differ between items.
    $script:items = @(
        Get-Content -LiteralPath $SentinelJson -Raw | ConvertFrom-Json | ConvertFrom-StacJson
        Get-Content -LiteralPath $NaipJson -Raw | ConvertFrom-Json | ConvertFrom-StacJson
        Get-Content -LiteralPath $ItemsNdjson | ConvertFrom-Json | ConvertFrom-StacJson
    )
}

Describe 'Export-StacItem and Import-StacItem' {
    It 'round-trips Items through <Extension>' -ForEach @(
        @{ Extension = '.ndjson' }
        @{ Extension = '.json' }
        @{ Extension = '.parquet' }
    ) {
        $path = Join-Path $TestDrive "items$Extension"
        $items | Export-StacItem -Path $path
        $path | Should -Exist
        $back = @(Import-StacItem -Path $path)
        $back.Count | Should -Be $items.Count
        $back.Id | Should -Be $items.Id
        for ($i = 0; $i -lt $items.Count; $i++) {
            ConvertTo-CanonicalJson $back[$i] | Should -Be (ConvertTo-CanonicalJson $items[$i]) -Because "item $($items[$i].Id)"
        }
    }

    It 'keeps proj:geometry as a WKB column that DuckDB reads as a geometry, and gives back the same GeoJSON' {
        $source = Join-Path $RepoRoot 'tests/fixtures/stacpkg/proj-geometry-items.json'
        $path = Join-Path $TestDrive 'proj-geometry.parquet'
        $items = @(Import-StacItem -Path $source)
        $items | Export-StacItem -Path $path
        $back = @(Import-StacItem -Path $path)

        $back.Id | Should -Be $items.Id
        for ($i = 0; $i -lt $items.Count; $i++) {
            $expected = $items[$i].Properties['proj:geometry']
            if ($null -eq $expected) {
                $back[$i].Properties.ContainsKey('proj:geometry') | Should -BeFalse -Because "item $($items[$i].Id) has no proj:geometry"
                continue
            }
            # Coordinates compare as numbers (628000 read from JSON as a long, from WKB as a double), nesting by shape.
            $geometry = $back[$i].Properties['proj:geometry']
            $geometry['type'] | Should -Be $expected['type']
            $shape = { param($c) ($c | ConvertTo-Json -Depth 20 -Compress) -replace '-?[0-9][0-9.eE+-]*', 'n' }
            & $shape $geometry['coordinates'] | Should -Be (& $shape $expected['coordinates']) -Because "item $($items[$i].Id)"
            $numbers = { param($c) @($c | ConvertTo-Json -Depth 20 -Compress | Select-String -AllMatches '-?[0-9][0-9.eE+-]*').Matches.Value | ForEach-Object { [double]$_ } }
            & $numbers $geometry['coordinates'] | Should -Be (& $numbers $expected['coordinates']) -Because "item $($items[$i].Id)"
        }

        $sql = "SET enable_geoparquet_conversion = false; SELECT column_type FROM (DESCRIBE SELECT * FROM read_parquet('$path')) WHERE column_name = 'proj:geometry'"
        $blob = & node (Join-Path $RepoRoot 'tests/duckdb/query.mjs') $sql
        if ($LASTEXITCODE -eq 3 -and $env:CI -ne 'true') {
            Set-ItResult -Skipped -Because 'DuckDB (npm @duckdb/node-api) is not installed on this machine'
            return
        }
        $LASTEXITCODE | Should -Be 0
        ($blob | ConvertFrom-Json).column_type | Should -Be 'BLOB'
        $wkt = (& node (Join-Path $RepoRoot 'tests/duckdb/query.mjs') "SELECT id, ST_AsText(""proj:geometry"") AS wkt FROM read_parquet('$path')") -join "`n" | ConvertFrom-Json
        $wkt.id | Should -Be $items.Id
        $wkt[0].wkt | Should -BeLike 'POLYGON ((592000.5 5330000.25, *'
        $wkt[1].wkt | Should -BeLike 'MULTIPOLYGON (((*'
        $wkt[2].wkt | Should -BeLike 'POLYGON Z ((628000 5345000 150, *'
        $wkt[3].wkt | Should -BeNullOrEmpty
    }

    It 'filters by -Collection and -Id with wildcards' {
        $path = Join-Path $TestDrive 'filter.ndjson'
        $items | Export-StacItem -Path $path
        @(Import-StacItem -Path $path -Collection 'sentinel-*').Count | Should -Be 2
        @(Import-StacItem -Path $path -Id 'pr_m_*_nw_*').Id | Should -Be @('pr_m_1806551_nw_20_030_20221212_20230329', 'pr_m_1806544_nw_20_030_20221212_20230329')
        @(Import-StacItem -Path $path -Collection 'naip' -Id '*1806550*').Count | Should -Be 1
    }

    It 'reads every file a wildcard -Path names, and files piped by name' {
        $folder = Join-Path $TestDrive 'many'
        $null = New-Item -ItemType Directory -Path $folder
        $items[0..1] | Export-StacItem -Path (Join-Path $folder 'a.ndjson')
        $items[2..3] | Export-StacItem -Path (Join-Path $folder 'b.parquet')
        @(Import-StacItem -Path (Join-Path $folder '*')).Count | Should -Be 4
        @(Get-ChildItem -LiteralPath $folder | Import-StacItem).Count | Should -Be 4
    }

    It 'returns the file with -PassThru' {
        $file = $items | Export-StacItem -Path (Join-Path $TestDrive 'passthru.parquet') -PassThru
        $file | Should -BeOfType [System.IO.FileInfo]
        $file.Length | Should -BeGreaterThan 0
    }

    It 'writes nothing with -WhatIf' {
        $path = Join-Path $TestDrive 'whatif.parquet'
        $items | Export-StacItem -Path $path -WhatIf
        $path | Should -Not -Exist
    }

    It 'leaves no <Extension> file when the input fails mid-way' -ForEach @(
        @{ Extension = '.ndjson' }
        @{ Extension = '.json' }
        @{ Extension = '.parquet' }
    ) {
        $path = Join-Path $TestDrive "broken$Extension"
        { & { $items[0]; $items[1]; throw 'the source failed' } | Export-StacItem -Path $path } | Should -Throw '*the source failed*'
        $path | Should -Not -Exist
        Get-ChildItem -LiteralPath $TestDrive -Force -Filter '*broken*' | Should -BeNullOrEmpty
    }

    It 'stops promptly on Ctrl+C and leaves no <Extension> file' -ForEach @(
        @{ Extension = '.ndjson' }
        @{ Extension = '.parquet' }
    ) {
        $folder = Join-Path $TestDrive "stop$Extension"
        $null = New-Item -ItemType Directory -Path $folder
        # In a child process, away from the test runner's own runspace; PowerShell.Stop() is what
        # Ctrl+C does to a running pipeline.
        $run = Invoke-ChildPwsh @"
Import-Module '$ModulePath'
`$item = Get-Content -LiteralPath '$ItemsNdjson' -First 1 | ConvertFrom-Json | ConvertFrom-StacJson
`$ps = [powershell]::Create()
# A slow, bounded source: Ctrl+C finds the export mid-way, and the file stays small whatever happens.
`$null = `$ps.AddScript('param(`$m, `$i, `$p)
    Import-Module `$m
    `$end = [datetime]::UtcNow.AddSeconds(30)
    & { while ([datetime]::UtcNow -lt `$end) { `$i; Start-Sleep -Milliseconds 2 } } | Export-StacItem -Path `$p').
    AddArgument('$ModulePath').AddArgument(`$item).AddArgument((Join-Path '$folder' 'items$Extension'))
`$null = `$ps.BeginInvoke()
Start-Sleep -Milliseconds 1500
'before=' + `$ps.InvocationStateInfo.State
# Count only: enumerating a stream that is still open blocks until the pipeline ends.
'errors=' + `$ps.Streams.Error.Count
`$stopwatch = [Diagnostics.Stopwatch]::StartNew()
`$ps.Stop()
'stopped-fast=' + (`$stopwatch.Elapsed.TotalSeconds -lt 5)
'after=' + `$ps.InvocationStateInfo.State
`$ps.Dispose()
'files=' + @(Get-ChildItem -LiteralPath '$folder' -Force).Count
"@
        $run.Output | Should -Contain 'before=Running' -Because ($run.Output -join "`n")
        $run.Output | Should -Contain 'errors=0'
        $run.Output | Should -Contain 'stopped-fast=True'
        $run.Output | Should -Contain 'after=Stopped'
        $run.Output | Should -Contain 'files=0'
    }

    It 'shows progress while the Parquet file is encoded after the last Item (Export-StacItem and New-StacPackage)' {
        $big = Join-Path $TestDrive 'progress.ndjson'
        New-ItemsNdjson $big 6000
        # A runspace of its own records every progress record in Streams.Progress.
        $run = Invoke-ChildPwsh @"
Import-Module '$ModulePath'
foreach (`$pipeline in 'Import-StacItem `$args[0] | Export-StacItem `$args[1]', 'Import-StacItem `$args[0] | New-StacPackage `$args[2] -NoProbe -WarningAction SilentlyContinue') {
    `$ps = [powershell]::Create().AddScript("Import-Module '$ModulePath'; `$pipeline").AddArgument('$big').AddArgument('$(Join-Path $TestDrive 'progress.parquet')').AddArgument('$(Join-Path $TestDrive 'progress.pkg')')
    `$null = `$ps.Invoke()
    `$ps.Streams.Progress | ForEach-Object StatusDescription | Where-Object { `$_ -match 'encoded' } | Select-Object -Last 1
    `$ps.Dispose()
}
"@
        $run.ExitCode | Should -Be 0 -Because ($run.Output -join "`n")
        @($run.Output -match '^\d+ of 6000 items encoded$') | Should -Not -BeNullOrEmpty -Because ($run.Output -join "`n")
        @($run.Output -match '^\d+ of 6000 items encoded into items\.parquet$') | Should -Not -BeNullOrEmpty -Because ($run.Output -join "`n")
    }

    It 'keeps the previous file when a replacement fails mid-way' {
        $path = Join-Path $TestDrive 'keep.ndjson'
        $items[0] | Export-StacItem -Path $path
        $before = Get-Content -LiteralPath $path -Raw
        { & { $items[1]; throw 'the source failed' } | Export-StacItem -Path $path } | Should -Throw
        Get-Content -LiteralPath $path -Raw | Should -Be $before
    }

    It 'refuses an unknown extension before writing anything' {
        $path = Join-Path $TestDrive 'items.txt'
        { $items | Export-StacItem -Path $path } | Should -Throw
        $path | Should -Not -Exist
    }

    It 'reports a missing file and goes on with the next' {
        $good = Join-Path $TestDrive 'good.ndjson'
        $items[0] | Export-StacItem -Path $good
        $read = @(Import-StacItem -LiteralPath (Join-Path $TestDrive 'missing.ndjson'), $good -ErrorVariable errors -ErrorAction SilentlyContinue)
        $read.Count | Should -Be 1
        $errors[0].FullyQualifiedErrorId | Should -BeLike 'PathNotFound*'
    }

    It 'reports invalid lines of a file with the file and line, and reads the rest' {
        $path = Join-Path $TestDrive 'mixed.ndjson'
        $lines = @(Get-Content -LiteralPath $ItemsNdjson)
        Set-Content -LiteralPath $path -Value $lines[0], '{"type":"Feature","id":"x"', $lines[1]
        $read = @(Import-StacItem -LiteralPath $path -ErrorVariable errors -ErrorAction SilentlyContinue)
        $read.Count | Should -Be 2
        $errors.Count | Should -Be 1
        $errors[0].FullyQualifiedErrorId | Should -BeLike 'InvalidStacItem*'
        $errors[0].Exception.Message | Should -Match 'mixed\.ndjson'
        $errors[0].Exception.Message | Should -Match 'line 2'
    }
    It 'reads on past a syntax error in one feature of a pretty-printed collection' {
        $path = Join-Path $TestDrive 'broken-collection.json'
        New-BrokenFeatureCollection $path
        $read = @(Import-StacItem -LiteralPath $path -ErrorVariable errors -ErrorAction SilentlyContinue)
        $read.Count | Should -Be 99
        $errors.Count | Should -Be 1
        $errors[0].Exception.Message | Should -Match 'broken-collection\.json'
        $errors[0].Exception.Message | Should -Match 'item #2'
    }

    It 'refuses an Item holding NaN or Infinity alone: ConvertTo-StacJson and Export-StacItem <Extension> go on with the rest' -ForEach @(
        @{ Extension = '.ndjson' }
        @{ Extension = '.json' }
        @{ Extension = '.parquet' }
    ) {
        $good = @(Get-Content -LiteralPath $ItemsNdjson | ConvertFrom-StacJson)
        $bad = $good[0] | ConvertTo-StacJson | ConvertFrom-StacJson
        $bad.Properties['score'] = [double]::PositiveInfinity
        $json = @($good[0], $bad, $good[1] | ConvertTo-StacJson -Compress -ErrorVariable errors -ErrorAction SilentlyContinue)
        $json.Count | Should -Be 2
        $errors.Count | Should -Be 1
        $errors[0].Exception.Message | Should -Match 'properties\.score'

        $path = Join-Path $TestDrive "finite$Extension"
        $good[0], $bad, $good[1] | Export-StacItem -Path $path -ErrorVariable errors -ErrorAction SilentlyContinue
        $errors.Count | Should -Be 1
        $errors[0].FullyQualifiedErrorId | Should -BeLike 'InvalidStacItem*'
        $errors[0].Exception.Message | Should -Match "id 'dataset'"
        @(Import-StacItem -LiteralPath $path).Count | Should -Be 2
    }

    It 'reports every kind of bad line with its line and reason, and exports the good Items' {
        $good = @(Get-Content -LiteralPath $ItemsNdjson)[1]
        $bad = [ordered]@{
            'truncated'      = '{"type":"Feature","stac_version":"1.0.0","id":"t","properties":{'
            'not an item'    = '{"type":"Feature","id":"f","geometry":null,"properties":{}}'
            'missing id'     = '{"type":"Feature","stac_version":"1.0.0","geometry":null,"properties":{"datetime":"2020-01-01T00:00:00Z"}}'
            'bad geometry'   = '{"type":"Feature","stac_version":"1.0.0","id":"g","geometry":{"type":"Polygon","coordinates":[[[0,0],[1,0],[1,1]]]},"bbox":[0,0,1,1],"properties":{"datetime":"2020-01-01T00:00:00Z"}}'
            'bad bbox'       = '{"type":"Feature","stac_version":"1.0.0","id":"b","geometry":null,"bbox":"0,0,1,1","properties":{"datetime":"2020-01-01T00:00:00Z"}}'
        }
        $lines = [System.Collections.Generic.List[byte[]]]::new()
        foreach ($line in @($good) + $bad.Values + @($good -replace '"dataset_geo"', '"dataset_geo_2"')) {
            $lines.Add([Text.Encoding]::UTF8.GetBytes($line + "`n"))
        }
        # Invalid UTF-8 inside a string value, on its own line (line 7).
        $utf8 = [Text.Encoding]::UTF8.GetBytes('{"type":"Feature","stac_version":"1.0.0","id":"u","geometry":null,"properties":{"datetime":"2020-01-01T00:00:00Z","title":"XX"}}' + "`n")
        $at = [Array]::IndexOf($utf8, [byte][char]'X')
        $utf8[$at] = 0xC3; $utf8[$at + 1] = 0x28
        $lines.Insert(6, $utf8)
        $path = Join-Path $TestDrive 'bad-lines.ndjson'
        [IO.File]::WriteAllBytes($path, [byte[]]($lines | ForEach-Object { $_ }))
        $target = Join-Path $TestDrive 'good-only.parquet'

        Import-StacItem -LiteralPath $path -ErrorVariable errors -ErrorAction SilentlyContinue |
            Export-StacItem -LiteralPath $target

        $errors.Count | Should -Be 6
        $messages = $errors | ForEach-Object { $_.Exception.Message }
        foreach ($line in 2..7) {
            $messages | Where-Object { $_ -match "line $line\b" } | Should -Not -BeNullOrEmpty -Because "line $line is bad"
        }
        ($messages -join "`n") | Should -Match 'truncated'
        ($messages -join "`n") | Should -Match 'stac_version'
        ($messages -join "`n") | Should -Match 'id'
        ($messages -join "`n") | Should -Match 'Polygon'
        ($messages -join "`n") | Should -Match 'bbox'
        ($messages -join "`n") | Should -Match 'UTF-8'
        $errors | ForEach-Object { $_.CategoryInfo.Category | Should -Be 'InvalidData' }
        (Import-StacItem -LiteralPath $target).Id | Should -Be @('dataset_geo', 'dataset_geo_2')
    }
}

Describe 'ConvertTo-StacJson' {
    It 'writes one line per Item with -Compress (NDJSON)' {
        $lines = @($items | ConvertTo-StacJson -Compress)
        $lines.Count | Should -Be $items.Count
        $lines | ForEach-Object { $_ | Should -Not -Match "`n" }
        ($lines[0] | ConvertFrom-Json).id | Should -Be $items[0].Id
    }

    It 'writes indented JSON that reads back into the same Item' {
        $json = ConvertTo-StacJson $items[0]
        $json | Should -Match "`n"
        ConvertTo-CanonicalJson ($json | ConvertFrom-StacJson) | Should -Be (ConvertTo-CanonicalJson $items[0])
    }
}
