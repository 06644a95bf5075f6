# Export-StacItem -PartitionBy writes a hive-partitioned folder (collection=x/year=2024/part-0.parquet)
# that DuckDB reads with hive_partitioning and Import-StacItem reads back (issue 13).

BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    Import-Module $ModulePath -Force

    $script:items = @(
        Get-Content -LiteralPath $SentinelJson -Raw | ConvertFrom-Json | ConvertFrom-StacJson
        Get-Content -LiteralPath $NaipJson -Raw | ConvertFrom-Json | ConvertFrom-StacJson
        Get-Content -LiteralPath $ItemsNdjson | ConvertFrom-Json | ConvertFrom-StacJson
    )
    $script:dir = New-TempDirectory 'partitions'

    # Runs SQL in DuckDB; skips the test when DuckDB is not installed.
    function Invoke-DuckDb([string] $Sql) {
        $out = & node (Join-Path $RepoRoot 'tests/duckdb/query.mjs') $Sql
        if ($LASTEXITCODE -eq 3) { Skip-WithoutServer $null 'DuckDB (npm @duckdb/node-api)' }
        $LASTEXITCODE | Should -Be 0 -Because "DuckDB ran: $Sql"
        ($out -join "`n") | ConvertFrom-Json
    }

    # The UTC year of an Item's datetime, or of its start_datetime.
    function Get-ItemYear($Item) {
        $when = if ($null -ne $Item.Properties['datetime']) { $Item.Properties['datetime'] } else { $Item.Properties['start_datetime'] }
        ([DateTimeOffset]::Parse([string]$when, [Globalization.CultureInfo]::InvariantCulture)).UtcDateTime.Year
    }

    # Hive's folder value: the default partition for a missing collection (the samples' ids need no escaping).
    function Get-PartitionName([string] $Collection) { if ($Collection) { $Collection } else { '__HIVE_DEFAULT_PARTITION__' } }

    function Get-Names([string] $Folder) { @(Get-ChildItem -LiteralPath $Folder -Force -Name | Sort-Object) }
}

AfterAll { Remove-Item -LiteralPath $dir -Recurse -Force -ErrorAction SilentlyContinue }

Describe 'Export-StacItem -PartitionBy' {
    It 'writes one GeoParquet file per collection and year, and -PassThru returns the folder' {
        $target = Join-Path $dir 'by-year'
        $folder = $items | Export-StacItem -Path $target -PartitionBy Collection, Year -PassThru
        $folder | Should -BeOfType [System.IO.DirectoryInfo]
        $expected = $items | ForEach-Object { "collection=$(Get-PartitionName $_.Collection)/year=$(Get-ItemYear $_)/part-0.parquet" } | Sort-Object -Unique
        $files = Get-ChildItem -LiteralPath $target -Recurse -File | ForEach-Object { [IO.Path]::GetRelativePath($target, $_.FullName).Replace('\', '/') }
        @($files | Sort-Object) | Should -Be @($expected)
        Get-Names $dir | Where-Object { $_ -like '.*' } | Should -BeNullOrEmpty -Because 'no temporary entries are left beside the folder'
    }

    It 'is read by DuckDB with hive_partitioning, with the counts per collection and year of the input' {
        $target = Join-Path $dir 'duckdb-counts'
        $items | Export-StacItem -Path $target -PartitionBy Collection, Year
        $rows = Invoke-DuckDb "SELECT collection, year, count(*) AS n FROM read_parquet('$target/**/*.parquet', hive_partitioning = true) GROUP BY ALL ORDER BY ALL"
        $actual = @($rows | ForEach-Object { "$($_.collection ?? 'NULL')|$($_.year)|$($_.n)" } | Sort-Object)
        $expected = @($items | Group-Object { "$($_.Collection ?? 'NULL')|$(Get-ItemYear $_)" } | ForEach-Object { "$($_.Name)|$($_.Count)" } | Sort-Object)
        $actual | Should -Be $expected
        @($items | Where-Object { $null -eq $_.Collection }).Count | Should -BeGreaterThan 0 -Because 'the samples include Items without a collection'
    }

    It 'reads back with Import-StacItem as the same Items' {
        $target = Join-Path $dir 'round-trip'
        $items | Export-StacItem -Path $target -PartitionBy Collection
        $back = @(Import-StacItem -Path $target)
        $back.Count | Should -Be $items.Count
        $byId = @{}
        foreach ($item in $items) { $byId[$item.Id] = ConvertTo-CanonicalJson $item }
        foreach ($item in $back) { ConvertTo-CanonicalJson $item | Should -Be $byId[$item.Id] -Because "item $($item.Id)" }
        # A deterministic order: partitions by name, Items in input order within each.
        (Import-StacItem -Path $target).Id | Should -Be $back.Id
    }

    It 'puts Items without a collection under the default partition, which DuckDB reads as NULL, and loses none' {
        $target = Join-Path $dir 'missing'
        $orphan = $items[0..2] | ForEach-Object { $copy = ConvertTo-StacJson $_ | ConvertFrom-StacJson; $copy.Collection = [NullString]::Value; $copy.Id = "orphan-$($_.Id)"; $copy }
        @($items; $orphan) | Export-StacItem -Path $target -PartitionBy Collection
        Join-Path $target 'collection=__HIVE_DEFAULT_PARTITION__/part-0.parquet' | Should -Exist
        $rows = Invoke-DuckDb "SELECT count(*) AS n, count(*) FILTER (WHERE collection IS NULL) AS nulls FROM read_parquet('$target/**/*.parquet', hive_partitioning = true)"
        $rows.n | Should -Be ($items.Count + 3)
        $rows.nulls | Should -Be (3 + @($items | Where-Object { $null -eq $_.Collection }).Count)
        $back = @(Import-StacItem -Path $target)
        $back.Count | Should -Be ($items.Count + 3)
        @($back | Where-Object { $null -eq $_.Collection }).Id | Sort-Object | Should -Be @(@($items | Where-Object { $null -eq $_.Collection }; $orphan).Id | Sort-Object)
    }

    It 'keeps a hostile collection id inside the folder, and DuckDB and Import-StacItem decode it exactly' {
        $target = Join-Path $dir 'hostile'
        $hostile = '../../escape/a=b%c'
        $item = ConvertTo-StacJson $items[0] | ConvertFrom-StacJson
        $item.Collection = $hostile
        $item | Export-StacItem -Path $target -PartitionBy Collection
        Get-Names $target | Should -Be @('collection=..%2F..%2Fescape%2Fa%3Db%25c')
        Join-Path $dir 'escape' | Should -Not -Exist
        (Import-StacItem -Path $target).Collection | Should -Be $hostile
        (Invoke-DuckDb "SELECT collection FROM read_parquet('$target/**/*.parquet', hive_partitioning = true)").collection | Should -Be $hostile
    }

    It 'refuses an unknown partition key when binding parameters' {
        { $items | Export-StacItem -Path (Join-Path $dir 'bogus') -PartitionBy Platform } | Should -Throw -ErrorId 'CannotConvertArgumentNoMessage,StacPkg.PowerShell.Command.ExportStacItemCommand'
        Join-Path $dir 'bogus' | Should -Not -Exist
    }
}

Describe 'A partitioned export appears whole or not at all' {
    It 'leaves no folder and no temporary entries when the pipeline fails' {
        $folder = Join-Path $dir 'failing'
        $null = New-Item -ItemType Directory -Path $folder
        $n = 0
        { $items | ForEach-Object { if (++$n -eq 5) { throw 'upstream failure' }; $_ } | Export-StacItem -Path (Join-Path $folder 'ds') -PartitionBy Collection } |
            Should -Throw '*upstream failure*'
        Get-Names $folder | Should -BeNullOrEmpty
    }

    It 'refuses an existing folder without -Force and replaces a previous export with it' {
        $target = Join-Path $dir 'again'
        $items | Export-StacItem -Path $target -PartitionBy Collection
        $before = Get-Names $target
        { $items[0] | Export-StacItem -Path $target -PartitionBy Collection -ErrorAction Stop } | Should -Throw "*'$target' already exists; use -Force*"
        Get-Names $target | Should -Be $before
        $items[0] | Export-StacItem -Path $target -PartitionBy Collection -Force
        Get-Names $target | Should -Be @("collection=$($items[0].Collection)")
        Get-Names $dir | Where-Object { $_ -like '.*' } | Should -BeNullOrEmpty
    }

    It 'never replaces a folder that is not a partitioned export, even with -Force' {
        $target = Join-Path $dir 'users'
        $null = New-Item -ItemType Directory -Path $target
        Set-Content -LiteralPath (Join-Path $target 'thesis.txt') -Value 'four years of work'
        { $items | Export-StacItem -Path $target -PartitionBy Collection -Force -ErrorAction Stop } | Should -Throw '*not a partitioned Item folder*'
        Get-Content -LiteralPath (Join-Path $target 'thesis.txt') | Should -Be 'four years of work'
        Get-Names $target | Should -Be @('thesis.txt')
    }
}

Describe 'Import-StacItem of a partitioned folder' {
    It 'with -Collection does not open the files of other collections' {
        $target = Join-Path $dir 'pruned'
        $items | Export-StacItem -Path $target -PartitionBy Collection
        $wanted = $items[0].Collection
        $other = ($items | Where-Object Collection -ne $wanted)[0].Collection
        Set-Content -LiteralPath (Join-Path $target "collection=$other/part-0.parquet") -Value 'damaged, not parquet'
        $read = @(Import-StacItem -Path $target -Collection $wanted -ErrorVariable errs)
        $errs | Should -BeNullOrEmpty
        $read.Id | Should -Be @($items | Where-Object Collection -eq $wanted).Id
        # Without -Collection the damaged file is opened: one error naming it, and the rest is read.
        $all = @(Import-StacItem -Path $target -ErrorVariable errs -ErrorAction SilentlyContinue)
        $errs | Should -HaveCount 1
        "$($errs[0])" | Should -BeLike "*collection=$other*part-0.parquet*"
        $all.Count | Should -Be @($items | Where-Object Collection -ne $other).Count
    }

    It 'with -Id filters as for a file' {
        $target = Join-Path $dir 'by-id'
        $items | Export-StacItem -Path $target -PartitionBy Collection
        (Import-StacItem -Path $target -Id $items[3].Id).Id | Should -Be $items[3].Id
    }

    It 'reads a folder DuckDB partitioned, giving each Item its collection from the path' {
        $file = Join-Path $dir 'for-duckdb.parquet'
        $items | Export-StacItem -Path $file
        $target = Join-Path $dir 'by-duckdb'
        $null = Invoke-DuckDb "COPY (SELECT * FROM read_parquet('$file')) TO '$target' (FORMAT parquet, PARTITION_BY (collection)); SELECT 1 AS done"
        (Invoke-DuckDb "SELECT count(*) AS n FROM parquet_schema('$target/**/*.parquet') WHERE name = 'collection'").n | Should -Be 0 -Because 'DuckDB leaves the partition column out of the files'
        $back = @(Import-StacItem -Path $target)
        @($back | ForEach-Object { "$($_.Id)|$($_.Collection)" } | Sort-Object) | Should -Be @($items | ForEach-Object { "$($_.Id)|$($_.Collection)" } | Sort-Object)
    }

    It 'still says a folder that is not partitioned is a directory, not a file' {
        $folder = Join-Path $dir 'plain'
        $null = New-Item -ItemType Directory -Path $folder
        $items[0] | Export-StacItem -Path (Join-Path $folder 'items.parquet')
        Import-StacItem -Path $folder -ErrorVariable errs -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $errs[0].FullyQualifiedErrorId | Should -BeLike 'PathIsDirectory,*'
    }
}
