BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    Import-Module $ModulePath -Force
    $script:item = Get-Content -LiteralPath $SentinelJson -Raw | ConvertFrom-Json | ConvertFrom-StacJson | Select-Object -First 1
}

Describe 'StacItem objects in scripts' {
    It 'shows its members to Get-Member' {
        $names = ($item | Get-Member -MemberType Property).Name
        foreach ($name in 'Id', 'Collection', 'Geometry', 'Bbox', 'Datetime', 'Properties', 'Assets', 'Links', 'StacExtensions', 'StacVersion') {
            $names | Should -Contain $name
        }
    }

    It 'gives typed assets by key' {
        $item.Assets['visual'].Href | Should -BeLike 'https://*TCI_10m.tif'
        $item.Assets['visual'].Roles | Should -Contain 'data'
        $item.Assets['visual'].Title | Should -Be 'True color image'
        $item.Assets['visual'].AdditionalFields['gsd'] | Should -Be 10
    }

    It 'gives properties by name' {
        $item.Properties.'eo:cloud_cover' | Should -Be 48.747352
        $item.Properties['platform'] | Should -Be 'Sentinel-2B'
        $item.Geometry['type'] | Should -Be 'Polygon'
        $item.Bbox.Count | Should -Be 4
    }

    It 'has a default table view with the id, collection and geometry type' {
        $text = $item | Out-String -Width 250
        $text | Should -Match ([regex]::Escape($item.Id))
        $text | Should -Match 'sentinel-2-l2a'
        $text | Should -Match 'Polygon'
        $text | Should -Match 'AssetKeys'
    }

    It 'has a readable view of an asset' {
        $text = $item.Assets['visual'] | Format-List | Out-String -Width 400
        $text | Should -Match 'Href\s+: https://'
        $text | Should -Match 'Roles\s+: data'
    }

    It 'declares its output types' {
        (Get-Command ConvertFrom-StacJson).OutputType.Name | Should -Contain 'StacPkg.Core.Stac.StacItem'
        (Get-Command Import-StacItem).OutputType.Name | Should -Contain 'StacPkg.Core.Stac.StacItem'
        (Get-Command ConvertTo-StacJson).OutputType.Name | Should -Contain 'System.String'
    }
}

Describe 'Module manifest' {
    It 'exports exactly the cmdlets it lists' {
        $manifest = Import-PowerShellDataFile (Join-Path $ModulePath 'StacPkg.psd1')
        (Get-Command -Module StacPkg).Name | Sort-Object | Should -Be ($manifest.CmdletsToExport | Sort-Object)
    }

    It 'has the version of Directory.Build.props' {
        $props = [xml](Get-Content -LiteralPath (Join-Path $RepoRoot 'Directory.Build.props') -Raw)
        $version = @($props.Project.PropertyGroup | ForEach-Object { $_['VersionPrefix'] } | Where-Object { $_ })[0].InnerText
        (Get-Module StacPkg).Version | Should -Be ([version]$version)
    }
}
