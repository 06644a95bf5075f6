# -Compression, -RowGroupSize and -SortBy of Export-StacItem and New-StacPackage, as a user relies on
# them: DuckDB sees the codec and row groups asked for, the rows come in the order asked for, the
# same input gives the same bytes, and values out of range are refused before anything is written.

BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    Import-Module $ModulePath -Force

    $script:query = Join-Path $RepoRoot 'tests/duckdb/query.mjs'
    function Invoke-DuckDb([string] $Sql) {
        $json = & node $query $Sql
        if ($LASTEXITCODE -ne 0) { throw "DuckDB failed ($LASTEXITCODE): $json" }
        , @($json | Out-String | ConvertFrom-Json -DateKind String)
    }
    function Get-Literal([string] $Path) { "'" + $Path.Replace("'", "''") + "'" }

    # 60 real-shaped Items: the stac-geoparquet fixtures cycled (ten collections, points and ranges in time, places on several continents).
    $ndjson = Join-Path $TestDrive 'items.ndjson'
    New-ItemsNdjson -Path $ndjson -Count 60
    $script:items = @(Import-StacItem -Path $ndjson)

    # The sort key of each row in file order: datetime, or start_datetime for a range Item.
    function Get-RowTimes([string] $Path) {
        (Invoke-DuckDb "SET TimeZone = 'UTC'; SELECT coalesce(datetime, start_datetime)::VARCHAR AS t FROM read_parquet($(Get-Literal $Path), file_row_number = true) ORDER BY file_row_number").t
    }
}

Describe 'Export-StacItem -Compression -RowGroupSize -SortBy' {
    It 'writes <Codec> pages with <Label>, read back whole' -ForEach @(
        @{ Label = 'no -Compression'; Compression = $null; Codec = 'ZSTD' }
        @{ Label = '-Compression Snappy'; Compression = 'Snappy'; Codec = 'SNAPPY' }
        @{ Label = '-Compression None'; Compression = 'None'; Codec = 'UNCOMPRESSED' }
    ) {
        $path = Join-Path $TestDrive "codec-$Codec.parquet"
        $options = if ($Compression) { @{ Compression = $Compression } } else { @{} }
        $items | Export-StacItem -Path $path @options
        (Invoke-DuckDb "SELECT DISTINCT compression FROM parquet_metadata($(Get-Literal $path))").compression | Should -Be $Codec
        (Import-StacItem -Path $path).Id | Should -Be $items.Id
    }

    It 'writes row groups of -RowGroupSize Items' {
        $path = Join-Path $TestDrive 'groups.parquet'
        $items | Export-StacItem -Path $path -RowGroupSize 25
        $groups = Invoke-DuckDb "SELECT row_group_id, any_value(row_group_num_rows) AS n FROM parquet_metadata($(Get-Literal $path)) GROUP BY ALL ORDER BY 1"
        $groups.n | Should -Be @(25, 25, 10)
    }

    It 'orders the rows by datetime (start_datetime for ranges) with -SortBy Datetime' {
        $path = Join-Path $TestDrive 'by-time.parquet'
        $items | Export-StacItem -Path $path -SortBy Datetime -RowGroupSize 16
        $times = @(Get-RowTimes $path)
        $times.Count | Should -Be $items.Count
        $times | Should -Not -Contain $null
        $times | Should -Be @($times | Sort-Object)
        @(Get-RowTimes (Join-Path $TestDrive 'codec-ZSTD.parquet')) | Should -Not -Be $times -Because 'the input is not in time order'
        (Import-StacItem -Path $path).Id | Sort-Object | Should -Be ($items.Id | Sort-Object)
    }

    It 'writes the same bytes for the same Items with -SortBy Hilbert, in an order other than the input' {
        $one = Join-Path $TestDrive 'hilbert-1.parquet'
        $two = Join-Path $TestDrive 'hilbert-2.parquet'
        $items | Export-StacItem -Path $one -SortBy Hilbert -RowGroupSize 16
        $items | Export-StacItem -Path $two -SortBy Hilbert -RowGroupSize 16
        (Get-FileHash $one).Hash | Should -Be (Get-FileHash $two).Hash
        $ids = (Import-StacItem -Path $one).Id
        $ids | Should -Not -Be $items.Id
        $ids | Sort-Object | Should -Be ($items.Id | Sort-Object)
    }

    It 'refuses -<Name> <Value> by parameter validation and writes nothing' -ForEach @(
        @{ Name = 'SortBy'; Value = 'Random'; Message = '*"None,Datetime,Hilbert"*' }
        @{ Name = 'Compression'; Value = 'Gzip'; Message = '*"Zstd,Snappy,None"*' }
        @{ Name = 'RowGroupSize'; Value = 0; Message = '*less than the minimum allowed range of 1*' }
        @{ Name = 'RowGroupSize'; Value = 1000001; Message = '*greater than the maximum allowed range of 1000000*' }
    ) {
        $path = Join-Path $TestDrive "refused-$Name.parquet"
        $arguments = @{ Path = $path; $Name = $Value }
        { $items | Export-StacItem @arguments } | Should -Throw -ErrorId 'ParameterArgumentValidationError*' -ExpectedMessage $Message
        $path | Should -Not -Exist
    }

    It 'refuses -SortBy for a JSON target rather than ignore it' {
        $path = Join-Path $TestDrive 'sorted.ndjson'
        { $items | Export-StacItem -Path $path -SortBy Datetime -ErrorAction Stop } | Should -Throw -ErrorId 'ParquetParameterNotApplicable*'
        $path | Should -Not -Exist
    }
}

Describe 'New-StacPackage -Compression -RowGroupSize -SortBy' {
    It 'lays out items.parquet as asked' {
        $package = Join-Path $TestDrive 'package'
        $items | New-StacPackage -Path $package -NoProbe -Compression Snappy -RowGroupSize 20 -SortBy Datetime -WarningAction SilentlyContinue | Out-Null
        $file = Join-Path $package 'items.parquet'
        (Invoke-DuckDb "SELECT DISTINCT compression FROM parquet_metadata($(Get-Literal $file))").compression | Should -Be 'SNAPPY'
        (Invoke-DuckDb "SELECT count(DISTINCT row_group_id) AS n FROM parquet_metadata($(Get-Literal $file))").n | Should -Be 3
        $times = @(Get-RowTimes $file)
        $times | Should -Be @($times | Sort-Object)
        @(Test-StacPackage -Path $package | Where-Object Status -eq 'Failed') | Should -BeNullOrEmpty
    }

    It 'refuses -<Name> <Value> by parameter validation and creates no package' -ForEach @(
        @{ Name = 'SortBy'; Value = 'Random'; Message = '*"None,Datetime,Hilbert"*' }
        @{ Name = 'Compression'; Value = 'Brotli'; Message = '*"Zstd,Snappy,None"*' }
        @{ Name = 'RowGroupSize'; Value = -5; Message = '*less than the minimum allowed range of 1*' }
    ) {
        $package = Join-Path $TestDrive "refused-$Name"
        $arguments = @{ Path = $package; NoProbe = $true; $Name = $Value }
        { $items | New-StacPackage @arguments } | Should -Throw -ErrorId 'ParameterArgumentValidationError*' -ExpectedMessage $Message
        $package | Should -Not -Exist
    }
}
