# Items that only pass through the pipeline are never built as objects (issue 14); these tests hold
# the user-visible half of that promise: an untouched Item and the same Item once a script has
# looked at it give the same bytes in every output, and a change made in the pipeline is written.
BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    Import-Module $ModulePath -Force

    $script:generated = Join-Path $TestDrive 'generated.ndjson'
    New-ItemsNdjson -Path $generated -Count 1200

    # Reading Properties builds the Item's objects: from there on writers serialise the objects.
    function script:Touch([Parameter(ValueFromPipeline)] $Item) { process { $null = $Item.Properties; $Item } }

    function script:Get-Sha([string] $Path) { (Get-FileHash -LiteralPath $Path -Algorithm SHA256 -ErrorAction Stop).Hash }
}

Describe 'Untouched and touched Items give the same bytes' {
    It '<Name> as <Extension>' -ForEach @(
        foreach ($extension in '.parquet', '.ndjson', '.json') {
            foreach ($file in @(Get-ChildItem -LiteralPath (Join-Path $PSScriptRoot '../fixtures') -Recurse -File -Include '*.json', '*.ndjson', '*.parquet' |
                    Where-Object { $_.Directory.Name -notin 'invalid', 'locks' } | Sort-Object FullName)) {
                @{ Name = "$($file.Directory.Name)/$($file.Name)"; Path = $file.FullName; Extension = $extension }
            }
            @{ Name = 'generated (1,200 Items)'; Path = $null; Extension = $extension }
        }
    ) {
        $source = if ($Path) { $Path } else { $generated }
        $untouched = Join-Path $TestDrive "untouched$Extension"
        $touched = Join-Path $TestDrive "touched$Extension"
        Import-StacItem -Path $source | Export-StacItem -Path $untouched -Force
        Import-StacItem -Path $source | Touch | Export-StacItem -Path $touched -Force
        Get-Sha $untouched | Should -Be (Get-Sha $touched)
    }

    It 'packages of untouched and touched Items are the same, lock included' {
        $untouched = Join-Path $TestDrive 'pkg-untouched'
        $touched = Join-Path $TestDrive 'pkg-touched'
        Import-StacItem -Path $generated | New-StacPackage -Path $untouched -NoProbe -Force | Out-Null
        Import-StacItem -Path $generated | Touch | New-StacPackage -Path $touched -NoProbe -Force | Out-Null
        foreach ($name in 'items.parquet', 'assets.lock.parquet', 'stacpkg.manifest.json') {
            Get-Sha (Join-Path $untouched $name) | Should -Be (Get-Sha (Join-Path $touched $name)) -Because $name
        }
    }

    It 'ConvertTo-StacJson gives the same text for untouched and touched Items' {
        $untouched = @(Import-StacItem -Path $generated | Select-Object -First 50 | ConvertTo-StacJson -Compress)
        $touched = @(Import-StacItem -Path $generated | Select-Object -First 50 | Touch | ConvertTo-StacJson -Compress)
        $untouched | Should -Be $touched
        $untouched = @(Import-StacItem -Path $generated | Select-Object -First 5 | ConvertTo-StacJson)
        $touched = @(Import-StacItem -Path $generated | Select-Object -First 5 | Touch | ConvertTo-StacJson)
        $untouched | Should -Be $touched
    }
}

Describe 'A change made in the pipeline is written' {
    It 'a property set with $_.Properties[...] reaches <Extension>' -ForEach @(
        @{ Extension = '.parquet' }, @{ Extension = '.ndjson' }, @{ Extension = '.json' }
    ) {
        $path = Join-Path $TestDrive "changed$Extension"
        Import-StacItem -Path $generated | Select-Object -First 20 |
            ForEach-Object { $_.Properties['stacpkg:test'] = 1; $_ } |
            Export-StacItem -Path $path -Force
        $back = @(Import-StacItem -Path $path)
        $back.Count | Should -Be 20
        foreach ($item in $back) { $item.Properties['stacpkg:test'] | Should -Be 1 -Because $item.Id }
    }

    It 'a new id, a new collection and an alternate asset reach the file and the package' {
        $first = Import-StacItem -Path $generated | Select-Object -First 1
        $key = @($first.Assets.Keys)[0]
        $path = Join-Path $TestDrive 'renamed.parquet'
        Import-StacItem -Path $generated | Select-Object -First 3 |
            ForEach-Object { $_.Id = "renamed-$($_.Id)"; $_.Collection = 'elsewhere'; $_ } |
            Add-StacAlternateAsset -AssetKey $key -Name mirror -Href 'https://mirror.example.com/x.tif' |
            Export-StacItem -Path $path -Force
        $back = @(Import-StacItem -Path $path)
        $back.Id | Should -BeLike 'renamed-*'
        $back.Collection | Should -Be @('elsewhere', 'elsewhere', 'elsewhere')
        foreach ($item in $back) {
            $item.Assets[$key].AdditionalFields['alternate']['mirror']['href'] | Should -Be 'https://mirror.example.com/x.tif'
        }

        $package = Join-Path $TestDrive 'renamed-pkg'
        Import-StacItem -Path $generated | Select-Object -First 3 |
            ForEach-Object { $_.Id = "renamed-$($_.Id)"; $_ } |
            New-StacPackage -Path $package -NoProbe -Force | Out-Null
        (Import-StacItem -Path (Join-Path $package 'items.parquet')).Id | Should -BeLike 'renamed-*'
        (Import-StacAssetLock -Path (Join-Path $package 'assets.lock.parquet')).ItemId | Sort-Object -Unique | Should -BeLike 'renamed-*'
    }

    It 'an Item changed after a writer took it is written as it was when taken' {
        # The writer works on what the Item was at WriteAsync; a later change must not leak into the
        # file (nor tear it): the pipeline hands the same object on, and scripts keep changing it.
        $items = @(Import-StacItem -Path $generated | Select-Object -First 5)
        $path = Join-Path $TestDrive 'taken.parquet'
        & { foreach ($item in $items) { $item; $item.Properties['late'] = 'yes' } } | Export-StacItem -Path $path -Force
        (Import-StacItem -Path $path | Where-Object { $_.Properties.ContainsKey('late') }) | Should -BeNullOrEmpty
    }
}
