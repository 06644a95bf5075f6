BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    Import-Module $ModulePath -Force
    $script:LocalItems = Join-Path $Samples 'local/items.ndjson'
    $script:CollectionFile = Join-Path $Samples 'local/field-samples.collection.json'
    $script:CollectionText = Get-Content -LiteralPath $CollectionFile -Raw

    # The stac-geoparquet metadata of a file as DuckDB, an independent reader, sees it.
    function Get-StacGeoParquetMetadata([string] $Path) {
        $sql = "SELECT decode(value) AS v FROM parquet_kv_metadata('$Path') WHERE decode(key) = 'stac-geoparquet'"
        $rows = & node (Join-Path $RepoRoot 'tests/duckdb/query.mjs') $sql | ConvertFrom-Json
        $LASTEXITCODE | Should -Be 0
        $rows[0].v | ConvertFrom-Json -AsHashtable
    }
}

Describe 'Export-StacItem -StacCollection' {
    It 'stores Collections given as JSON text, objects, hashtables and StacCollection objects, by id' {
        $path = Join-Path $TestDrive 'given.parquet'
        $fromApi = $CollectionText | ConvertFrom-Json
        $fromApi.id = 'from-api'
        $hashtable = @{ type = 'Collection'; id = 'from-hashtable'; license = 'MIT'; extent = @{ spatial = @{ bbox = @(, @(1, 2, 3, 4)) } } }
        Import-StacItem $LocalItems | Export-StacItem $path -StacCollection $CollectionText, $fromApi, $hashtable

        $metadata = Get-StacGeoParquetMetadata $path
        $metadata.version | Should -Be '1.1.0'
        @($metadata.collections.Keys) | Should -Be @('field-samples', 'from-api', 'from-hashtable')
        $metadata.collections['field-samples'].title | Should -Be 'Field samples'
        $metadata.collections['from-hashtable'].extent.spatial.bbox[0] | Should -Be @(1, 2, 3, 4)

        $read = @(Get-StacCollection $path)
        $read.Id | Should -Be @('field-samples', 'from-api', 'from-hashtable')
        $again = Join-Path $TestDrive 'again.parquet'
        Import-StacItem $LocalItems | Export-StacItem $again -StacCollection $read
        (Get-FileHash $again).Hash | Should -Be (Get-FileHash $path).Hash
    }

    It 'refuses a value that is not a Collection before writing, naming it' {
        $path = Join-Path $TestDrive 'refused.parquet'
        { Import-StacItem $LocalItems | Export-StacItem $path -StacCollection $CollectionText, '{"type":"Feature","id":"item-1"}' } |
            Should -Throw -ErrorId 'InvalidStacCollection,StacPkg.PowerShell.Command.ExportStacItemCommand' -ExpectedMessage "*value #2: Collection 'item-1' is a STAC Item, not a Collection*"
        { Import-StacItem $LocalItems | Export-StacItem $path -StacCollection (Get-Content -LiteralPath $CollectionFile) } |
            Should -Throw -ExpectedMessage '*not valid JSON*Get-Content -Raw*'
        { Import-StacItem $LocalItems | Export-StacItem $path -StacCollection @{ type = 'Collection'; title = 'no id' } } |
            Should -Throw -ExpectedMessage '*value #1: the Collection has no id*'
        { Import-StacItem $LocalItems | Export-StacItem $path -StacCollection $CollectionText, ($CollectionText -replace 'Field samples', 'Other') } |
            Should -Throw -ErrorId 'DuplicateStacCollection,StacPkg.PowerShell.Command.ExportStacItemCommand' -ExpectedMessage "*'field-samples'*"
        Test-Path $path | Should -BeFalse
    }

    It 'says that a JSON file is written without the Collection' {
        $path = Join-Path $TestDrive 'items.ndjson'
        Import-StacItem $LocalItems | Export-StacItem $path -StacCollection $CollectionText -WarningVariable warnings -WarningAction SilentlyContinue
        $warnings | Should -HaveCount 1
        "$($warnings[0])" | Should -BeLike '*-StacCollection is stored only in STAC GeoParquet files*'
        @(Import-StacItem $path) | Should -HaveCount 2
    }
}

Describe 'Collections passed through the pipeline' {
    BeforeAll {
        $script:source = Join-Path $TestDrive 'source.parquet'
        Import-StacItem $LocalItems | Export-StacItem $source -StacCollection $CollectionText
    }

    It 'Import-StacItem | Export-StacItem keeps the Collections of a GeoParquet file' {
        $items = @(Import-StacItem $source)
        $items.StacCollection.Title | Should -Be @('Field samples', 'Field samples')
        $copy = Join-Path $TestDrive 'copy.parquet'
        $items | Export-StacItem $copy
        (Get-StacGeoParquetMetadata $copy).collections['field-samples'].description | Should -BeLike 'Two field visits*'
        # The Collection is not part of the Items' JSON.
        ($items[0] | ConvertTo-StacJson) | Should -Not -BeLike '*Field samples*'
    }

    It 'New-StacPackage keeps them, and Get-StacPackage and Get-StacCollection show them' {
        $package = Join-Path $TestDrive 'fields.pkg'
        $info = Import-StacItem $source | New-StacPackage $package -NoProbe
        $info.StacCollections.Id | Should -Be 'field-samples'

        $read = Get-StacPackage $package
        $read.StacCollections.Title | Should -Be 'Field samples'
        (Get-StacPackage $package -AsMarkdown) -split "`n" | Should -Contain '- Collection field-samples: Field samples'
        ($read | ConvertTo-Json -Depth 8 | ConvertFrom-Json).StacCollections[0].Json.license | Should -Be 'CC0-1.0'
        ($read | Out-String) | Should -Match '(?m)^StacCollections\s+: field-samples$'
        (Get-StacCollection $package).Id | Should -Be 'field-samples'
        (Get-StacCollection -LiteralPath (Join-Path $package 'items.parquet')).Id | Should -Be 'field-samples'
    }

    It 'ConvertFrom-StacJson attaches a Collection document to the Items after it, from text and from objects' {
        $fromText = Join-Path $TestDrive 'from-text.parquet'
        Get-Content -LiteralPath $CollectionFile, $LocalItems | ConvertFrom-StacJson -ErrorVariable bad | Export-StacItem $fromText
        $bad | Should -BeNullOrEmpty
        (Get-StacCollection $fromText).Id | Should -Be 'field-samples'

        $fromObjects = Join-Path $TestDrive 'from-objects.parquet'
        @($CollectionText | ConvertFrom-Json) + @(Get-Content -LiteralPath $LocalItems | ConvertFrom-Json) |
            ConvertFrom-StacJson | Export-StacItem $fromObjects
        (Get-StacCollection $fromObjects).Id | Should -Be 'field-samples'
    }

    It 'ConvertFrom-StacJson takes a StacCollection from Get-StacCollection for the Items after it' {
        $joined = Join-Path $TestDrive 'joined.parquet'
        & { Get-StacCollection $source; Get-Content -LiteralPath $LocalItems } | ConvertFrom-StacJson | Export-StacItem $joined
        (Get-StacCollection $joined).Title | Should -Be 'Field samples'
    }

    It 'Import-StacItem of a catalog dump attaches its Collection and reports a broken one' {
        $dump = Join-Path $TestDrive 'dump.ndjson'
        @(($CollectionText | ConvertFrom-Json | ConvertTo-Json -Depth 10 -Compress)) + @(Get-Content -LiteralPath $LocalItems) +
            '{"type":"Collection","title":"no id"}' | Set-Content -LiteralPath $dump
        $items = @(Import-StacItem $dump -ErrorVariable bad -ErrorAction SilentlyContinue)
        $items.StacCollection.Id | Should -Be @('field-samples', 'field-samples')
        $bad | Should -HaveCount 1
        $bad[0].FullyQualifiedErrorId | Should -BeLike 'InvalidStacItem,*'
        "$bad" | Should -BeLike '*line 4*the Collection has no id*'
    }
}

Describe 'Get-StacCollection' {
    BeforeAll {
        $script:two = Join-Path $TestDrive 'two.parquet'
        Import-StacItem $LocalItems | Export-StacItem $two -StacCollection $CollectionText, @{ type = 'Collection'; id = 'other'; license = 'MIT' }
    }

    It 'selects by id with wildcards and shows a table of id, title, licence, bbox and interval' {
        (Get-StacCollection $two -Id 'FIELD-*').Id | Should -Be 'field-samples'
        @(Get-StacCollection $two -Id nothing*) | Should -HaveCount 0
        $table = Get-StacCollection $two -Id field-samples | Out-String -Width 200
        $table | Should -Match 'field-samples\s+Field samples\s+CC0-1.0\s+16.37, 48.2, 16.4, 48.21\s+2024-05-01/2024-05-02'
    }

    It 'reports a file it cannot read and a folder that is not a package, and reads on' {
        $folder = New-Item -ItemType Directory (Join-Path $TestDrive 'not-a-package')
        $collections = @(Get-StacCollection $LocalItems, $folder.FullName, $two -ErrorVariable bad -ErrorAction SilentlyContinue)
        $collections.Id | Should -Be @('field-samples', 'other')
        $bad.FullyQualifiedErrorId | Should -Be @('FileReadFailed,StacPkg.PowerShell.Command.GetStacCollectionCommand', 'PackageItemsNotFound,StacPkg.PowerShell.Command.GetStacCollectionCommand')
    }

    It 'reads a file without Collections as none' {
        $plain = Join-Path $TestDrive 'plain.parquet'
        Import-StacItem $LocalItems | Export-StacItem $plain
        @(Get-StacCollection $plain) | Should -HaveCount 0
        (Get-StacGeoParquetMetadata $plain).Keys | Should -Be 'version'
    }
}
