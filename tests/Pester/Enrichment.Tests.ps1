# Enrichment as a user runs it on local files: File Info from a lock built with New-StacAssetLock,
# checksum conflicts, the local copies as Alternate Assets, Add/Switch/Remove, the parquet round
# trip, and the flow "relocate with Move-StacAsset, enrich with the new lock, package" end to end.

BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    Import-Module $ModulePath -Force

    $script:FileInfoUri = 'https://stac-extensions.github.io/file/v2.1.0/schema.json'
    $script:AlternateUri = 'https://stac-extensions.github.io/alternate-assets/v1.2.0/schema.json'

    function Get-Multihash([string] $Path) {
        '1220' + (Get-FileHash -LiteralPath $Path -Algorithm SHA256).Hash.ToLowerInvariant()
    }

    # Two Items with two assets each, hrefs absolute under $Folder; extra asset fields by "item/key".
    function New-LocalItems {
        param([Parameter(Mandatory)] [string] $Folder, [hashtable] $Fields = @{})
        foreach ($id in 'i1', 'i2') {
            $assets = [ordered]@{}
            foreach ($key in 'data', 'thumb') {
                $asset = [ordered]@{ href = (Join-Path $Folder "$id-$key.bin"); roles = @('data') }
                foreach ($pair in @($Fields["$id/$key"]).Where({ $_ })) { foreach ($k in $pair.Keys) { $asset[$k] = $pair[$k] } }
                $assets[$key] = $asset
            }
            [ordered]@{
                type = 'Feature'; stac_version = '1.0.0'; id = $id; collection = 'enrich'; geometry = $null
                properties = @{ datetime = '2024-01-01T00:00:00Z' }; links = @(); assets = $assets
            } | ConvertTo-Json -Depth 10 -Compress | ConvertFrom-StacJson
        }
    }

    $script:src = Join-Path $TestDrive 'src'
    $script:copies = Join-Path $TestDrive 'copies'
    New-Item -ItemType Directory -Path $src, $copies | Out-Null
    foreach ($id in 'i1', 'i2') {
        foreach ($key in 'data', 'thumb') {
            Set-Content -LiteralPath (Join-Path $src "$id-$key.bin") -Value "$id $key $('x' * ($key.Length * 10))" -NoNewline
        }
    }
    # Items that carry their checksums, so the lock built from them knows the content hash.
    $checksums = @{}
    foreach ($file in Get-ChildItem -LiteralPath $src) {
        $id, $key = $file.BaseName -split '-'
        $checksums["$id/$key"] = @{ 'file:checksum' = Get-Multihash $file.FullName }
    }
    $script:lock = @(New-LocalItems -Folder $src -Fields $checksums | New-StacAssetLock)
    Copy-Item -Path (Join-Path $src '*') -Destination $copies
    $script:copyLock = @(New-LocalItems -Folder $copies | New-StacAssetLock)
}

Describe 'Enrichment cmdlets' {
    It '<_> declares StacItem output' -ForEach 'Update-StacItem', 'Add-StacAlternateAsset', 'Switch-StacAlternateAsset', 'Remove-StacAlternateAsset' {
        (Get-Command $_).OutputType.Name | Should -Be 'StacPkg.Core.Stac.StacItem'
    }
}

Describe 'Update-StacItem -AssetLock' {
    It 'writes file:size and file:checksum from the lock and declares File Info once' {
        $items = @(New-LocalItems -Folder $src)
        $items[0].StacExtensions.Add($FileInfoUri)
        $out = @($items | Update-StacItem -AssetLock $lock)
        $out.Count | Should -Be 2
        foreach ($item in $out) {
            foreach ($key in 'data', 'thumb') {
                $file = Get-Item -LiteralPath $item.Assets[$key].Href
                $item.Assets[$key].AdditionalFields['file:size'] | Should -Be $file.Length
                $item.Assets[$key].AdditionalFields['file:checksum'] | Should -Be (Get-Multihash $file.FullName)
            }
            @($item.StacExtensions | Where-Object { $_ -eq $FileInfoUri }).Count | Should -Be 1
        }
        # The input Items are not changed.
        $items[0].Assets['data'].AdditionalFields.ContainsKey('file:size') | Should -BeFalse
        $items[1].StacExtensions.Count | Should -Be 0
    }

    It 'reads the lock from a lock file too' {
        $path = Join-Path $TestDrive 'src.assets.lock.parquet'
        $lock | Export-StacAssetLock -Path $path
        $out = New-LocalItems -Folder $src | Select-Object -First 1 | Update-StacItem -AssetLock $path
        $out.Assets['thumb'].AdditionalFields['file:size'] | Should -Be (Get-Item (Join-Path $src 'i1-thumb.bin')).Length
    }

    It 'replaces a file:checksum the lock proves wrong, with a warning naming item and asset, and keeps a matching one' {
        $wrong = '1220' + ('0' * 64)
        $right = (Get-Multihash (Join-Path $src 'i1-thumb.bin')).ToUpperInvariant()
        $items = New-LocalItems -Folder $src -Fields @{ 'i1/data' = @{ 'file:checksum' = $wrong }; 'i1/thumb' = @{ 'file:checksum' = $right } }
        $out = @($items | Update-StacItem -AssetLock $lock -WarningVariable warnings -WarningAction SilentlyContinue)
        $warnings.Count | Should -Be 1
        "$($warnings[0])" | Should -BeLike "*item 'i1' asset 'data'*"
        $out[0].Assets['data'].AdditionalFields['file:checksum'] | Should -Be (Get-Multihash (Join-Path $src 'i1-data.bin'))
        $out[0].Assets['thumb'].AdditionalFields['file:checksum'] | Should -BeExactly $right
    }

    It 'passes Items without lock rows through unchanged, with a verbose note' {
        $other = New-LocalItems -Folder $src | ForEach-Object { $_.Id = "other-$($_.Id)"; $_ }
        $out = @($other | Update-StacItem -AssetLock $lock -Verbose 4>&1)
        $verbose = @($out | Where-Object { $_ -is [Management.Automation.VerboseRecord] })
        $verbose.Count | Should -Be 2
        "$($verbose[0])" | Should -BeLike "*other-i1*"
        $items = @($out | Where-Object { $_ -isnot [Management.Automation.VerboseRecord] })
        $items[0].StacExtensions.Count | Should -Be 0
        $items[0].Assets['data'].AdditionalFields.ContainsKey('file:size') | Should -BeFalse
    }

    It '-AlternateKey writes the second lock''s hrefs as alternates and declares Alternate Assets' {
        $out = @(New-LocalItems -Folder $src | Update-StacItem -AssetLock $copyLock -AlternateKey local -AlternateName 'Local disk')
        $alternate = $out[1].Assets['thumb'].AdditionalFields['alternate']['local']
        $alternate['href'] | Should -BeLike "*copies*i2-thumb.bin"
        $alternate['alternate:name'] | Should -Be 'Local disk'
        $out[1].Assets['thumb'].Href | Should -Be (Join-Path $src 'i2-thumb.bin')
        $out[1].StacExtensions | Should -Be @($FileInfoUri, $AlternateUri)
    }
    It '-AlternateName without -AlternateKey is refused before any Item is read' {
        { New-LocalItems -Folder $src | Update-StacItem -AssetLock $lock -AlternateName 'Local' -ErrorAction Stop } |
            Should -Throw -ErrorId 'AlternateNameWithoutKey*'
    }

    It '-AlternateKey writes a package''s bundled files as paths inside that package, wherever the current location is' {
        $pkg = Join-Path $TestDrive 'bundled.pkg'
        $null = New-LocalItems -Folder $src | New-StacPackage -Path $pkg -IncludeAssets -SourceRoot $src
        $elsewhere = New-Item -ItemType Directory -Path (Join-Path $TestDrive 'elsewhere')
        Push-Location -LiteralPath $elsewhere
        try {
            $items = @(Import-StacItem -LiteralPath (Join-Path $pkg 'items.parquet'))
            foreach ($lock in @('../bundled.pkg', @(Import-StacAssetLock -LiteralPath '../bundled.pkg'))) {
                $updated = @($items | Update-StacItem -AssetLock $lock -AlternateKey local)
                $href = $updated[0].Assets['data'].AdditionalFields['alternate']['local']['href']
                $href | Should -Be (Join-Path $pkg 'assets/i1/data.bin')
                # The href names the bundled copy from here too, not a file under the current folder.
                Test-Path -LiteralPath $href | Should -BeTrue
                [IO.File]::ReadAllText($href) | Should -Be ([IO.File]::ReadAllText((Join-Path $src 'i1-data.bin')))
            }
        }
        finally { Pop-Location }
    }

    It 'a lock file that does not exist stops the command' {
        { New-LocalItems -Folder $src | Update-StacItem -AssetLock (Join-Path $TestDrive 'missing.parquet') -ErrorAction Stop } |
            Should -Throw
    }
}

Describe 'Add-, Switch- and Remove-StacAlternateAsset' {
    BeforeAll {
        $script:item = New-LocalItems -Folder $src | Select-Object -First 1
    }

    It 'Add writes an alternate on a copy and declares the extension once' {
        $added = $item | Add-StacAlternateAsset -AssetKey data -Name local -Href '/mnt/copy/i1-data.bin' -Title 'Copy' -AlternateName 'Mount'
        $again = $added | Add-StacAlternateAsset data local '/mnt/copy2/i1-data.bin'
        $added.Assets['data'].AdditionalFields['alternate']['local']['title'] | Should -Be 'Copy'
        $again.Assets['data'].AdditionalFields['alternate']['local']['href'] | Should -Be '/mnt/copy2/i1-data.bin'
        $again.StacExtensions | Should -Be @($AlternateUri)
        $item.Assets['data'].AdditionalFields.ContainsKey('alternate') | Should -BeFalse
    }

    It 'Switch makes the alternate the primary and keeps the old primary under the same name (or -PreviousName)' {
        $added = $item | Add-StacAlternateAsset -AssetKey data -Name local -Href '/mnt/copy/i1-data.bin'
        $switched = $added | Switch-StacAlternateAsset -AssetKey data -Name local
        $switched.Assets['data'].Href | Should -Be '/mnt/copy/i1-data.bin'
        $switched.Assets['data'].AdditionalFields['alternate']['local']['href'] | Should -Be $item.Assets['data'].Href
        ($switched | Switch-StacAlternateAsset data local | ConvertTo-StacJson -Compress) | Should -Be ($added | ConvertTo-StacJson -Compress)

        $renamed = $added | Switch-StacAlternateAsset -AssetKey data -Name local -PreviousName origin
        @($renamed.Assets['data'].AdditionalFields['alternate'].Keys) | Should -Be @('origin')
    }

    It 'Switch refuses to overwrite an existing alternate named -PreviousName unless -Force' {
        $both = $item | Add-StacAlternateAsset -AssetKey data -Name az -Href az://c/k | Add-StacAlternateAsset -AssetKey data -Name s3 -Href s3://b/k
        $out = @($both, $item | Switch-StacAlternateAsset -AssetKey data -Name s3 -PreviousName az -ErrorVariable errs -ErrorAction SilentlyContinue)
        $out.Count | Should -Be 0
        $errs.Count | Should -Be 2
        $errs[0].FullyQualifiedErrorId | Should -BeLike 'AlternateNameTaken*'
        $errs[0].CategoryInfo.Category | Should -Be 'ResourceExists'
        $errs[0].Exception.Message | Should -BeLike "*item 'i1' asset 'data'*alternate 'az'*"
        $errs[1].FullyQualifiedErrorId | Should -BeLike 'AlternateAssetNotFound*'
        $both.Assets['data'].AdditionalFields['alternate']['az']['href'] | Should -Be 'az://c/k'

        $forced = $both | Switch-StacAlternateAsset -AssetKey data -Name s3 -PreviousName az -Force
        $forced.Assets['data'].Href | Should -Be 's3://b/k'
        @($forced.Assets['data'].AdditionalFields['alternate'].Keys) | Should -Be @('az')
        $forced.Assets['data'].AdditionalFields['alternate']['az']['href'] | Should -Be $item.Assets['data'].Href
    }

    It 'Remove drops the alternate and the extension once nothing uses it' {
        $removed = $item | Add-StacAlternateAsset data local '/x' | Remove-StacAlternateAsset -AssetKey data -Name local
        $removed.Assets['data'].AdditionalFields.ContainsKey('alternate') | Should -BeFalse
        $removed.StacExtensions.Count | Should -Be 0
    }

    It 'a missing asset or alternate is a non-terminating error naming item and asset; other Items go on' {
        $items = @($item, ($item | Add-StacAlternateAsset data local '/x'))
        $out = @($items | Switch-StacAlternateAsset -AssetKey data -Name local -ErrorVariable errs -ErrorAction SilentlyContinue)
        $out.Count | Should -Be 1
        $errs.Count | Should -Be 1
        $errs[0].FullyQualifiedErrorId | Should -BeLike 'AlternateAssetNotFound*'
        $errs[0].Exception.Message | Should -BeLike "*item 'i1' asset 'data'*"

        $item | Remove-StacAlternateAsset -AssetKey nope -Name local -ErrorVariable errs2 -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $errs2[0].FullyQualifiedErrorId | Should -BeLike 'StacAssetNotFound*'
        $errs2[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
    }
}

Describe 'Enriched Items round trip and package' {
    It 'round-trips through Export-StacItem .parquet and Import-StacItem' {
        $enriched = @(New-LocalItems -Folder $src | Update-StacItem -AssetLock $lock |
            Update-StacItem -AssetLock $copyLock -AlternateKey local -AlternateName 'Local copy')
        $parquet = Join-Path $TestDrive 'enriched.parquet'
        $enriched | Export-StacItem -Path $parquet
        $back = @(Import-StacItem -Path $parquet)
        $back.Count | Should -Be 2
        for ($i = 0; $i -lt 2; $i++) {
            ($back[$i] | ConvertTo-StacJson -Compress | ConvertFrom-Json -AsHashtable | ConvertTo-Json -Depth 20 -Compress) |
                Should -Be ($enriched[$i] | ConvertTo-StacJson -Compress | ConvertFrom-Json -AsHashtable | ConvertTo-Json -Depth 20 -Compress)
        }
    }

    It 'relocate the assets to a local folder (Move-StacAsset), enrich with the new lock as alternate, package: works end to end' {
        $local = Join-Path $TestDrive 'e2e-local'
        $items = @(New-LocalItems -Folder $src)
        $localLock = @($lock | Move-StacAsset -Destination $local -SourceRoot $src -ErrorAction Stop)
        $localLock.Count | Should -Be 4

        $pkg = Join-Path $TestDrive 'e2e.pkg'
        $info = $items | Update-StacItem -AssetLock $localLock -AlternateKey local |
            Switch-StacAlternateAsset -AssetKey data -Name local -PreviousName origin |
            Switch-StacAlternateAsset -AssetKey thumb -Name local -PreviousName origin |
            New-StacPackage -Path $pkg -NoProbe
        $info | Should -Not -BeNullOrEmpty
        $checks = @(Test-StacPackage -Path $pkg -ErrorAction Stop)
        $checks.Count | Should -BeGreaterThan 0
        @($checks | Where-Object Status -EQ 'Failed').Count | Should -Be 0

        $packaged = @(Import-StacItem -Path (Join-Path $pkg 'items.parquet'))
        $packaged.Count | Should -Be 2
        $packaged[0].Assets['data'].Href | Should -Be (Join-Path $local 'i1/data.bin')
        $packaged[0].Assets['data'].AdditionalFields['alternate']['origin']['href'] | Should -Be (Join-Path $src 'i1-data.bin')
        $packaged[0].Assets['data'].AdditionalFields['file:size'] | Should -Be (Get-Item (Join-Path $local 'i1/data.bin')).Length
        $packaged[0].Assets['data'].AdditionalFields['file:checksum'] | Should -Be (Get-Multihash (Join-Path $local 'i1/data.bin'))
        $packaged[0].StacExtensions | Should -Contain $AlternateUri

        # The package's lock points at the local copies, and they validate.
        $rows = @(Import-StacAssetLock -Path $pkg)
        $rows.Count | Should -Be 4
        $rows | ForEach-Object { $_.Href | Should -BeLike "*e2e-local*" }
        $results = @($rows | Test-StacAssetLock -Checksum -ErrorAction SilentlyContinue -ErrorVariable invalid)
        $invalid.Count | Should -Be 0
        $results.Count | Should -Be 4
    }
}
