# The module as it feels at the prompt: every output type has a default view whose table shows the
# key columns, and tab completion offers asset keys, layouts, destinations and package folders.

BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    Import-Module $ModulePath -Force

    function New-TempDirectory([string] $Name) {
        (New-Item -ItemType Directory -Path (Join-Path ([IO.Path]::GetTempPath()) "stacpkg-$Name-$([guid]::NewGuid().ToString('N').Substring(0, 8))")).FullName
    }

    # What Format-Table prints for the objects, as one string.
    function Get-Table { param([Parameter(ValueFromPipeline)] $InputObject) end { $input | Format-Table | Out-String -Width 400 } }

    function Get-Completion([string] $Line) {
        @((TabExpansion2 -inputScript $Line -cursorColumn $Line.Length).CompletionMatches.CompletionText)
    }

    $script:LocalItems = Join-Path $Samples 'local/items.ndjson'
}

Describe 'Format views' {
    BeforeAll {
        $script:dir = New-TempDirectory 'formats'
        # The local sample hrefs are relative to the repository root.
        Push-Location $RepoRoot
        $script:lock = @(Import-StacItem $LocalItems | New-StacAssetLock)
        $script:info = Import-StacItem $LocalItems | New-StacPackage -Path (Join-Path $dir 'fields.pkg') -IncludeAssets
        Pop-Location
    }
    AfterAll { Remove-Item -LiteralPath $dir -Recurse -Force -ErrorAction SilentlyContinue }

    It 'exists for every StacPkg type an exported cmdlet declares as output' {
        $types = @(Get-Command -Module StacPkg | ForEach-Object OutputType | ForEach-Object Name |
                Where-Object { $_ -like 'StacPkg.*' } | Sort-Object -Unique)
        $types | Should -Contain 'StacPkg.Core.Stac.StacItem'
        $types.Count | Should -BeGreaterOrEqual 5
        foreach ($type in $types) {
            Get-FormatData -TypeName $type | Should -Not -BeNullOrEmpty -Because "$type is a cmdlet's output and needs a readable default view"
        }
    }

    It 'shows StacItem with id, collection, datetime, geometry type and asset keys' {
        $table = Import-StacItem $NaipJson | Get-Table
        foreach ($column in 'Id', 'Collection', 'Datetime', 'Geometry', 'Assets', 'AssetKeys') { $table | Should -Match "\b$column\b" }
        $table | Should -Match 'pr_m_1806551_nw_20_030_20221212_20230329\s+naip\s+2022-12-12 16:00:00Z\s+Polygon\s+4\s+image, thumbnail, tilejson, rendered_preview'
    }

    It 'shows AssetLockEntry with item, key, store, href, size and ETag' {
        $table = $lock | Get-Table
        foreach ($column in 'ItemId', 'AssetKey', 'StoreType', 'Href', 'SizeBytes', 'ETag') { $table | Should -Match "\b$column\b" }
        $table | Should -Match 'field-1\s+data\s+file\s+samples/local/assets/field-1/data.csv\s+48\s+"[0-9a-f]+-30"'
        $table | Should -Not -Match 'StoreEndpointUrl' -Because 'the view picks the key columns, not every property'
    }

    It 'shows AssetValidationResult with validity, item, key and reasons' {
        Push-Location $RepoRoot
        try { $table = $lock | Test-StacAssetLock | Sort-Object ItemId, AssetKey | Get-Table } finally { Pop-Location }
        foreach ($column in 'Valid', 'ItemId', 'AssetKey', 'Reasons') { $table | Should -Match "\b$column\b" }
        $table | Should -Match 'True\s+field-1\s+data'
    }

    It 'shows StacPackageInfo as a list by default and as a table on request' {
        $list = $info | Out-String -Width 400
        foreach ($field in 'Path', 'ItemCount', 'Collections', 'AssetCount', 'AssetKeys', 'KnownAssetBytes', 'Files') { $list | Should -Match "(?m)^$field\s+:" }
        $list | Should -Match '(?m)^Collections\s+: field-samples$'
        $table = $info | Get-Table
        foreach ($column in 'Path', 'ItemCount', 'AssetCount', 'KnownAssetBytes', 'Collections') { $table | Should -Match "\b$column\b" }
        $table | Should -Match 'fields\.pkg\s+2\s+4\s+\d+\s+field-samples'
    }

    It 'shows StacPackageCheckResult with status, check, target and message' {
        $table = Test-StacPackage -Path (Join-Path $dir 'fields.pkg') | Get-Table
        foreach ($column in 'Status', 'Check', 'Target', 'Message') { $table | Should -Match "\b$column\b" }
        $table | Should -Match 'Passed\s+lock-row'
    }
}

Describe 'Tab completion' {
    BeforeAll {
        $script:dir = New-TempDirectory 'complete'
        Import-StacItem $ItemsNdjson | New-StacPackage -Path (Join-Path $dir 'zz.pkg') -NoProbe | Out-Null
        $null = New-Item -ItemType Directory -Path (Join-Path $dir 'afolder'), (Join-Path $dir 'mirror')
        Set-Content -LiteralPath (Join-Path $dir 'a-file.txt') -Value 'not a folder'
        # Completion reads variables from the session, as at the prompt.
        $global:StacPkgCompletionItems = @(Import-StacItem $NaipJson)
        Push-Location $dir
    }
    AfterAll {
        Pop-Location
        Remove-Variable -Name StacPkgCompletionItems -Scope Global
        Remove-Item -LiteralPath $dir -Recurse -Force -ErrorAction SilentlyContinue
    }

    It '-AssetKey of <_> completes the keys of the Items given to -InputObject' -ForEach @(
        'New-StacAssetLock', 'New-StacPackage', 'Add-StacAlternateAsset', 'Switch-StacAlternateAsset', 'Remove-StacAlternateAsset'
    ) {
        Get-Completion "$_ -InputObject `$StacPkgCompletionItems -AssetKey " | Should -Be @('image', 'rendered_preview', 'thumbnail', 'tilejson')
        Get-Completion "$_ -InputObject `$StacPkgCompletionItems -AssetKey th" | Should -Be @('thumbnail')
    }

    It '-AssetKey falls back to common STAC asset keys without Items at hand' {
        Get-Completion 'Import-StacItem x.json | New-StacPackage ./p.pkg -AssetKey vis' | Should -Be @('visual')
    }

    It '-Layout completes the relocation layouts' {
        Get-Completion 'Move-StacAsset -Destination ./x -Layout ' | Should -Be @('ItemAsset', 'SourceKey')
        Get-Completion 'Move-StacAsset -Destination ./x -Layout so' | Should -Be @('SourceKey')
    }

    It '-Destination completes store schemes and folders, not files' {
        $all = Get-Completion 'Move-StacAsset -Destination '
        $all[0..1] | Should -Be @('s3://', 'az://')
        # Folders come as PowerShell completes paths: relative to the current location.
        $here = '.' + [IO.Path]::DirectorySeparatorChar
        $all | Should -Contain "${here}mirror"
        $all | Should -Contain "${here}afolder"
        @($all | Where-Object { $_ -match 'a-file' }).Count | Should -Be 0
        Get-Completion 'Move-StacAsset -Destination A' | Should -Be @('az://', "${here}afolder")
        Get-Completion 'Move-StacAsset -Destination s3://buck' | Should -BeNullOrEmpty
    }

    It '<_> offers package folders first, then other folders, and no files' -ForEach @(
        'Get-StacPackage ', 'Test-StacPackage -Path ', 'Test-StacPackage -LiteralPath ', 'Get-StacPackage -LiteralPath '
    ) {
        $all = Get-Completion $_
        $all[0] | Should -Match 'zz\.pkg$'
        @($all | Where-Object { $_ -match 'afolder$' }).Count | Should -Be 1
        @($all | Where-Object { $_ -match 'a-file' }).Count | Should -Be 0
    }
}
