BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    Import-Module $ModulePath -Force
}

Describe 'ConvertFrom-StacJson' {
    Context 'from text' {
        It 'reads a whole document given as one string' {
            $items = @(Get-Content -LiteralPath $NaipJson -Raw | ConvertFrom-StacJson)
            $items.Count | Should -Be 4
            $items[0].Id | Should -Be 'pr_m_1806551_nw_20_030_20221212_20230329'
            $items[0].Collection | Should -Be 'naip'
        }

        It 'reads a pretty-printed document split into lines, as Get-Content and native commands deliver it' {
            $items = @(Get-Content -LiteralPath $NaipJson | ConvertFrom-StacJson)
            $items.Count | Should -Be 4
            $items.Id | Should -Contain 'pr_m_1806544_ne_20_030_20221212_20230329'
        }

        It 'reads NDJSON lines' {
            $items = @(Get-Content -LiteralPath $ItemsNdjson | ConvertFrom-StacJson)
            $items.Count | Should -Be 2
            $items[0].Id | Should -Be 'dataset'
            $items[0].Geometry | Should -BeNullOrEmpty
        }

        It 'reads a FeatureCollection document' {
            $items = @(Get-Content -LiteralPath $SentinelJson -Raw | ConvertFrom-StacJson)
            $items.Count | Should -Be 2
            $items.Collection | Sort-Object -Unique | Should -Be 'sentinel-2-l2a'
        }

        It 'reads documents of different shapes one after another in one pipeline' {
            $lines = @(Get-Content -LiteralPath $NaipJson) + @(Get-Content -LiteralPath $ItemsNdjson)
            @($lines | ConvertFrom-StacJson).Count | Should -Be 6
        }

        It 'emits the first Item before the input ends' {
            # Stops after the first Item: if Items were held back until the end, the script block
            # below would have seen every line before the first Item arrived.
            $script:linesSent = 0
            $lines = Get-Content -LiteralPath $ItemsNdjson
            $first = & { foreach ($line in $lines) { $script:linesSent++; $line } } | ConvertFrom-StacJson | Select-Object -First 1
            $first.Id | Should -Be 'dataset'
            $script:linesSent | Should -Be 1
        }
    }

    Context 'from objects (Invoke-RestMethod, ConvertFrom-Json, hashtables)' {
        It 'converts a FeatureCollection object' {
            $items = @(Get-Content -LiteralPath $SentinelJson -Raw | ConvertFrom-Json | ConvertFrom-StacJson)
            $items.Count | Should -Be 2
            $items[0].Id | Should -Be 'S2B_MSIL2A_20240825T173909_R098_T13TDE_20240825T215747'
            # ConvertFrom-Json makes DateTimes of timestamps; they come back as the same instant.
            $items[0].Datetime | Should -Be ([datetimeoffset]'2024-08-25T17:39:09.024Z')
            $items[0].Properties.datetime | Should -BeOfType [string]
            $items[0].Properties.'eo:cloud_cover' | Should -Be 48.747352
        }

        It 'converts the Items of a JSON array' {
            $items = @(Get-Content -LiteralPath $NaipJson -Raw | ConvertFrom-Json | ConvertFrom-StacJson)
            $items.Count | Should -Be 4
            $items[0].Assets['image'].Roles | Should -Contain 'data'
        }

        It 'converts an array given to -InputObject' {
            $objects = Get-Content -LiteralPath $NaipJson -Raw | ConvertFrom-Json
            @(ConvertFrom-StacJson -InputObject $objects).Count | Should -Be 4
        }

        It 'converts hashtables' {
            $item = @{
                type = 'Feature'; stac_version = '1.1.0'; id = 'hand-made'; geometry = $null
                properties = [ordered]@{ datetime = '2024-01-01T00:00:00Z'; 'eo:cloud_cover' = 12 }
                assets = @{ data = @{ href = 'https://example.com/a.tif'; roles = @('data') } }
                links = @()
            } | ConvertFrom-StacJson
            $item.Id | Should -Be 'hand-made'
            $item.Properties.'eo:cloud_cover' | Should -Be 12
            $item.Assets['data'].Href | Should -Be 'https://example.com/a.tif'
        }

        It 'passes StacItem objects through' {
            $item = Get-Content -LiteralPath $SentinelJson -Raw | ConvertFrom-Json | ConvertFrom-StacJson | Select-Object -First 1
            ($item | ConvertFrom-StacJson).Id | Should -Be $item.Id
        }
    }

    Context 'date-like strings in objects (ConvertFrom-Json, Invoke-RestMethod)' {
        BeforeAll {
            . (Join-Path $PSScriptRoot 'TestServers.ps1')
            $script:dateRoot = New-TempDirectory 'dates'
            $item = Get-Content -LiteralPath $ItemsNdjson -First 1
            $item = $item.Replace('"datetime":"2024-09-07T14:41:31.917359Z"', '"datetime":"2020-06-01T12:00:00-07:00","version":"2021-03-04T05:06:07","acquired":"2020-06-01T12:00:00-07:00","checked":"2020-06-01T12:00:00.5Z"')
            Set-Content -LiteralPath (Join-Path $dateRoot 'item.json') -Value $item
            $script:dateServer = Start-TestNginx -Root $dateRoot
        }
        AfterAll {
            Stop-TestServer $dateServer
            Remove-Item -LiteralPath $dateRoot -Recurse -Force
        }

        It 'keeps ordinary properties as text and the datetime field as a timestamp (<Via>)' -ForEach @(
            @{ Via = 'ConvertFrom-Json' }
            @{ Via = 'Invoke-RestMethod' }
        ) {
            $object = if ($Via -eq 'ConvertFrom-Json') {
                Get-Content -LiteralPath (Join-Path $dateRoot 'item.json') -Raw | ConvertFrom-Json
            } else {
                Skip-WithoutServer $dateServer 'nginx'
                Invoke-RestMethod "$($dateServer.BaseUrl)/item.json"
            }
            # What PowerShell hands over: DateTimes, the offset of 'acquired' already replaced by this machine's.
            $object.properties.version | Should -BeOfType [datetime]
            $item = $object | ConvertFrom-StacJson
            $item.Properties['version'] | Should -BeExactly '2021-03-04T05:06:07'
            $item.Properties['checked'] | Should -BeExactly '2020-06-01T12:00:00.5Z'
            [DateTimeOffset]::Parse($item.Properties['acquired']) | Should -Be ([DateTimeOffset]::Parse('2020-06-01T12:00:00-07:00'))
            $item.Properties['acquired'] | Should -Not -Match 'Z$'
            $item.Properties['datetime'] | Should -BeExactly '2020-06-01T19:00:00Z'
        }

        It 'keeps every string exactly with ConvertFrom-Json -DateKind String' {
            $object = Get-Content -LiteralPath (Join-Path $dateRoot 'item.json') -Raw | ConvertFrom-Json -DateKind String
            $item = $object | ConvertFrom-StacJson
            $item.Properties['acquired'] | Should -BeExactly '2020-06-01T12:00:00-07:00'
            $item.Properties['version'] | Should -BeExactly '2021-03-04T05:06:07'
        }
    }

    Context 'from files' {
        It 'reads -Path with wildcards' {
            @(ConvertFrom-StacJson -Path (Join-Path $Samples 'rustac/*.ndjson')).Count | Should -Be 2
        }

        It 'reads -LiteralPath' {
            @(ConvertFrom-StacJson -LiteralPath $NaipJson).Count | Should -Be 4
        }

        It 'reads files piped from Get-ChildItem' {
            @(Get-ChildItem -LiteralPath $NaipJson, $ItemsNdjson | ConvertFrom-StacJson).Count | Should -Be 6
        }

        It 'reports a missing file' {
            $items = ConvertFrom-StacJson -LiteralPath (Join-Path $TestDrive 'missing.json') -ErrorVariable errors -ErrorAction SilentlyContinue
            $items | Should -BeNullOrEmpty
            $errors[0].FullyQualifiedErrorId | Should -BeLike 'PathNotFound*'
        }
    }

    Context 'bad input' {
        It 'reports a truncated line among good NDJSON lines, naming the line, and still emits the good Items' {
            $lines = @(Get-Content -LiteralPath $ItemsNdjson)
            $text = $lines[0], $lines[1].Substring(0, 120), $lines[1]
            $items = @($text | ConvertFrom-StacJson -ErrorVariable errors -ErrorAction SilentlyContinue)
            $items.Count | Should -Be 2
            $errors.Count | Should -Be 1
            $errors[0].FullyQualifiedErrorId | Should -BeLike 'InvalidStacItem*'
            $errors[0].CategoryInfo.Category | Should -Be 'InvalidData'
            $errors[0].Exception.Message | Should -Match 'line 2'
        }

        It 'reports a syntax error in one feature of a pretty-printed collection and emits all the others (<Via>)' -ForEach @(
            @{ Via = 'file' }
            @{ Via = 'lines' }
        ) {
            $path = Join-Path $TestDrive 'broken-collection.json'
            New-BrokenFeatureCollection $path
            $items = if ($Via -eq 'file') {
                @(ConvertFrom-StacJson -LiteralPath $path -ErrorVariable errors -ErrorAction SilentlyContinue)
            } else {
                @(Get-Content -LiteralPath $path | ConvertFrom-StacJson -ErrorVariable errors -ErrorAction SilentlyContinue)
            }
            $items.Count | Should -Be 99
            $items.Id | Should -Not -Contain 'f2'
            $items[-1].Id | Should -Be 'f100'
            $errors.Count | Should -Be 1
            $errors[0].Exception.Message | Should -Match 'item #2'
        }

        It 'gives the same Items and errors, each error naming its line, whether Get-Content sends lines one by one or in batches (-ReadCount)' {
            $path = Join-Path $TestDrive 'mixed.ndjson'
            $lines = @(Get-Content -LiteralPath $ItemsNdjson)
            Set-Content -LiteralPath $path -Value @($lines[0], $lines[1].Substring(0, 120), $lines[1], '{"type":"Feature","stac_version":"1.1.0","id":"x"}', $lines[0])
            $single = @(Get-Content -LiteralPath $path | ConvertFrom-StacJson -ErrorVariable singleErrors -ErrorAction SilentlyContinue)
            $batched = @(Get-Content -LiteralPath $path -ReadCount 3 | ConvertFrom-StacJson -ErrorVariable batchedErrors -ErrorAction SilentlyContinue)
            $batched.Count | Should -Be 3
            ($batched | ConvertTo-StacJson -Compress) | Should -Be ($single | ConvertTo-StacJson -Compress)
            $batchedErrors.Count | Should -Be 2
            $batchedErrors.Exception.Message | Should -Be $singleErrors.Exception.Message
            $batchedErrors.TargetObject | Should -Be $singleErrors.TargetObject
        }

        It 'refuses an Item with a number beyond the double range, from text and from ConvertFrom-Json objects (<Via>)' -ForEach @(
            @{ Via = 'text' }
            @{ Via = 'objects' }
        ) {
            $lines = @(Get-Content -LiteralPath $ItemsNdjson)
            $lines[0] = $lines[0].Replace('"proj:shape":[2667,2658]', '"proj:shape":[2667,1e400]')
            $source = if ($Via -eq 'text') { $lines } else { $lines | ConvertFrom-Json }
            $items = @($source | ConvertFrom-StacJson -ErrorVariable errors -ErrorAction SilentlyContinue)
            $items.Count | Should -Be 1
            $errors.Count | Should -Be 1
            $errors[0].FullyQualifiedErrorId | Should -BeLike 'InvalidStacItem*'
            $errors[0].Exception.Message | Should -Match "id 'dataset'"
            $errors[0].Exception.Message | Should -Match ([regex]::Escape('properties.proj:shape[1] is out of range'))
        }

        It 'refuses an Item object holding NaN set by a script' {
            $objects = @(Get-Content -LiteralPath $ItemsNdjson | ConvertFrom-Json)
            $objects[1].properties | Add-Member -NotePropertyName score -NotePropertyValue ([double]::NaN)
            $items = @($objects | ConvertFrom-StacJson -ErrorVariable errors -ErrorAction SilentlyContinue)
            $items.Count | Should -Be 1
            $errors[0].Exception.Message | Should -Match 'properties\.score is NaN'
        }

        It 'reports a GeoJSON Feature without stac_version, naming the item' {
            $feature = '{"type":"Feature","id":"plain-feature","geometry":null,"properties":{"datetime":"2024-01-01T00:00:00Z"}}'
            $good = Get-Content -LiteralPath $ItemsNdjson -First 1
            $items = @($feature, $good | ConvertFrom-StacJson -ErrorVariable errors -ErrorAction SilentlyContinue)
            $items.Id | Should -Be 'dataset'
            $errors.Count | Should -Be 1
            $errors[0].Exception.Message | Should -Match 'stac_version'
            $errors[0].Exception.Message | Should -Match 'plain-feature'
        }

        It 'reports an Item with an empty id among objects and converts the others' {
            $objects = @(Get-Content -LiteralPath $NaipJson -Raw | ConvertFrom-Json)
            $objects[1].id = ''
            $items = @($objects | ConvertFrom-StacJson -ErrorVariable errors -ErrorAction SilentlyContinue)
            $items.Count | Should -Be 3
            $errors.Count | Should -Be 1
            $errors[0].FullyQualifiedErrorId | Should -BeLike 'InvalidStacItem*'
            $errors[0].Exception.Message | Should -Match 'id'
            $errors[0].Exception.Message | Should -Match 'item #2'
            $errors[0].TargetObject | Should -Be $objects[1]
        }

        It 'reports an Item with an empty id in text' {
            $text = (Get-Content -LiteralPath $ItemsNdjson -First 1) -replace '"id":"dataset"', '"id":""'
            $items = @($text | ConvertFrom-StacJson -ErrorVariable errors -ErrorAction SilentlyContinue)
            $items | Should -BeNullOrEmpty
            $errors[0].Exception.Message | Should -Match 'id'
        }

        It 'makes pwsh -c exit non-zero when some input was invalid' {
            $run = Invoke-ChildPwsh @"
Import-Module '$ModulePath'
'{"type":"Feature","id":"no-version","properties":{}}', (Get-Content -LiteralPath '$ItemsNdjson' -First 1) | ConvertFrom-StacJson | ForEach-Object Id
"@
            $run.ExitCode | Should -Not -Be 0
            $run.Output | Should -Contain 'dataset'
            ($run.Output -join "`n") | Should -Match 'stac_version'
        }

        It 'makes pwsh -c exit non-zero for invalid objects too' {
            $run = Invoke-ChildPwsh @"
Import-Module '$ModulePath'
@{ type = 'Feature'; id = 'x'; properties = @{} } | ConvertFrom-StacJson
"@
            $run.ExitCode | Should -Not -Be 0
        }
    }
}
