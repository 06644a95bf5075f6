# No secret in anything StacPkg writes or shows (issue 11, defect 3): signed hrefs, endpoint URLs
# with a password or a signature, destinations with a SAS, OCI references with credentials and
# foreign lock rows carrying them. Each scenario plants distinct values, runs the cmdlets in a child
# PowerShell with verbose and debug output on, and searches every byte a user or a log could see:
# the files written (raw bytes, and every value as DuckDB reads it, since Parquet pages are
# compressed), all output streams, and $Error serialised with ConvertTo-Json -Depth 5.
# The planted values never appear on a command's own line: PowerShell keeps that line in every
# record's InvocationInfo, and it is the user's own text, not something StacPkg wrote.

BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    . (Join-Path $PSScriptRoot 'TestServers.ps1')
    Import-Module $ModulePath -Force

    # Runs $Script in a child pwsh with every stream on; returns what it showed (all streams merged)
    # and its $Error as JSON.
    function Invoke-Observed([string] $Script) {
        $errorsFile = Join-Path ([IO.Path]::GetTempPath()) "stacpkg-errors-$([guid]::NewGuid().ToString('N')).json"
        $child = @"
Import-Module '$ModulePath'
`$ErrorActionPreference = 'Continue'
`$VerbosePreference = 'Continue'
`$DebugPreference = 'Continue'
`$ProgressPreference = 'SilentlyContinue'
# NormalView shows each record's CategoryInfo (with its target) and error id too.
`$ErrorView = 'NormalView'
& {
$Script
} *>&1 | Out-String -Stream -Width 4096
[IO.File]::WriteAllText('$errorsFile', [string](`$Error | ConvertTo-Json -Depth 5 -WarningAction SilentlyContinue))
"@
        $run = Invoke-ChildPwsh $child
        if (-not (Test-Path -LiteralPath $errorsFile)) { throw "the child PowerShell failed (exit code $($run.ExitCode)): $($run.Output -join "`n")" }
        try {
            [pscustomobject]@{ Output = $run.Output -join "`n"; Errors = [IO.File]::ReadAllText($errorsFile) }
        }
        finally {
            Remove-Item -LiteralPath $errorsFile -ErrorAction SilentlyContinue
        }
    }

    # Every file under $Root as text: its raw bytes, and for Parquet files every value as DuckDB reads it.
    function Get-WrittenText([string] $Root) {
        foreach ($file in Get-ChildItem -LiteralPath $Root -Recurse -File -Force) {
            [Text.Encoding]::Latin1.GetString([IO.File]::ReadAllBytes($file.FullName))
            if ($file.Extension -eq '.parquet') {
                $values = & node (Join-Path $RepoRoot 'tests/duckdb/query.mjs') "SELECT * FROM read_parquet('$($file.FullName)')"
                if ($LASTEXITCODE -eq 3) { Skip-WithoutServer $null 'DuckDB (npm @duckdb/node-api)' }
                $LASTEXITCODE | Should -Be 0 -Because "DuckDB reads $($file.FullName)"
                $values -join "`n"
            }
        }
    }

    # The planted values found in $Text.
    function Find-Planted([string] $Text, [string[]] $Planted) {
        @($Planted | Where-Object { $Text.Contains($_) })
    }

    # An NDJSON file of Items whose hrefs carry the given query strings (asset, its alternate, a link).
    function New-SignedItems([string] $Path, [string] $AssetHref, [int] $Count = 3) {
        $lines = foreach ($i in 1..$Count) {
            [ordered]@{
                type = 'Feature'; stac_version = '1.1.0'; id = "signed-$i"; geometry = $null
                stac_extensions = @('https://stac-extensions.github.io/alternate-assets/v1.2.0/schema.json')
                properties = @{ datetime = '2024-01-01T00:00:00Z' }
                links = @(@{ rel = 'via'; href = 'https://catalog.example/items/x.json?collection=c1&token=PLANTEDTOKEN000' })
                assets = @{
                    data = @{
                        href = $AssetHref; roles = @('data')
                        alternate = @{ s3 = @{ href = 's3://bucket/a.bin?X-Amz-Credential=PLANTEDAMZCRED789&X-Amz-Signature=PLANTEDAMZSIG456&versionId=v7' } }
                    }
                }
            } | ConvertTo-Json -Depth 10 -Compress
        }
        Set-Content -LiteralPath $Path -Value $lines
    }
}

Describe 'Signed hrefs in Item files and packages' {
    BeforeAll {
        $script:nginx = Start-TestNginx
        $script:root = New-TempDirectory 'secrets-items'
        $script:planted = 'PLANTEDSIG123', 'PLANTEDAMZSIG456', 'PLANTEDAMZCRED789', 'PLANTEDTOKEN000'
        if (-not $nginx) { return }
        [IO.File]::WriteAllBytes((Join-Path $nginx.Root 'a.bin'), [byte[]](1..100))
        $script:itemsFile = Join-Path $root 'signed.ndjson'
        New-SignedItems $itemsFile "$($nginx.BaseUrl)/a.bin?sv=2024-01-01&sig=PLANTEDSIG123&se=2030-01-01T00%3A00%3A00Z"
        $script:out = (New-Item -ItemType Directory -Path (Join-Path $root 'out')).FullName
        $script:run = Invoke-Observed @"
`$items = @(Import-StacItem '$itemsFile')
`$items | Export-StacItem '$out/items.parquet'
`$items | Export-StacItem '$out/items.ndjson'
`$items | Export-StacItem '$out/items.json'
`$items | New-StacPackage '$out/probed.pkg'
`$items | New-StacPackage '$out/bundled.pkg' -IncludeAssets
"@
    }
    AfterAll {
        Stop-TestServer $nginx
        Remove-Item -LiteralPath $root -Recurse -Force -ErrorAction SilentlyContinue
    }

    It 'writes no signature, credential or token into any file' {
        Skip-WithoutServer $nginx 'nginx'
        Get-ChildItem -LiteralPath $out -Recurse -File | Should -Not -BeNullOrEmpty
        Find-Planted ((Get-WrittenText $out) -join "`n") $planted | Should -BeNullOrEmpty
    }

    It 'keeps the query parameters that name the object' {
        Skip-WithoutServer $nginx 'nginx'
        $item = Get-Content -LiteralPath (Join-Path $out 'items.ndjson') -TotalCount 1 | ConvertFrom-Json
        $item.assets.data.href | Should -Be "$($nginx.BaseUrl)/a.bin"
        $item.assets.data.alternate.s3.href | Should -Be 's3://bucket/a.bin?versionId=v7'
        $item.links[0].href | Should -Be 'https://catalog.example/items/x.json?collection=c1'
        $fromPackage = @(Import-StacItem (Join-Path $out 'probed.pkg/items.parquet'))
        $fromPackage[0].Assets['data'].Href | Should -Be "$($nginx.BaseUrl)/a.bin"
    }

    It 'says once per run how many hrefs it changed, and shows no secret in any stream or record' {
        Skip-WithoutServer $nginx 'nginx'
        $warnings = @($run.Output -split "`n" | Where-Object { $_ -match 'removed signing parameters' })
        # Three exports and two packages: one warning each, counting 3 hrefs in each of 3 Items.
        $warnings.Count | Should -Be 5
        $warnings | ForEach-Object { $_ | Should -Match 'from 9 hrefs in 3 Items; use -KeepSignedHref' }
        # The lock keeps no query at all: one warning per package too.
        $lockWarnings = @($run.Output -split "`n" | Where-Object { $_ -match 'removed the query string' })
        $lockWarnings.Count | Should -Be 2
        $lockWarnings | ForEach-Object { $_ | Should -Match 'from 3 hrefs of 3 Items in the lock' }
        Find-Planted $run.Output $planted | Should -BeNullOrEmpty
        Find-Planted $run.Errors $planted | Should -BeNullOrEmpty
    }

    It 'keeps the signed hrefs with -KeepSignedHref, without the warning' {
        Skip-WithoutServer $nginx 'nginx'
        $kept = (New-Item -ItemType Directory -Path (Join-Path $root 'kept')).FullName
        $keep = Invoke-Observed @"
`$items = @(Import-StacItem '$itemsFile')
`$items | Export-StacItem '$kept/items.ndjson' -KeepSignedHref
`$items | New-StacPackage '$kept/kept.pkg' -NoProbe -KeepSignedHref
"@
        $keep.Output | Should -Not -Match 'removed signing parameters'
        Find-Planted (Get-Content -Raw -LiteralPath (Join-Path $kept 'items.ndjson')) $planted | Should -Be $planted
        Find-Planted ((Get-WrittenText (Join-Path $kept 'kept.pkg/items.parquet')) -join "`n") $planted | Should -Be $planted
        # The lock never holds a query, whatever the switch says.
        Find-Planted ((Get-WrittenText (Join-Path $kept 'kept.pkg/assets.lock.parquet')) -join "`n") $planted | Should -BeNullOrEmpty
    }
}

Describe 'API keys and URL passwords in Item hrefs' {
    BeforeAll {
        $script:root = New-TempDirectory 'secrets-userinfo'
        $script:planted = 'PLANTEDAPIKEY777', 'PLANTEDURLPASS888', 'PLANTEDGITTOKEN999'
        $script:itemsFile = Join-Path $root 'keyed.ndjson'
        [ordered]@{
            type = 'Feature'; stac_version = '1.1.0'; id = 'keyed'; geometry = $null
            properties = @{ datetime = '2024-01-01T00:00:00Z' }
            links = @(@{ rel = 'via'; href = 'https://USER:PLANTEDURLPASS888@catalog.example/items/x.json' })
            assets = @{
                data = @{
                    href = 'https://api.example/download/x.tif?api_key=PLANTEDAPIKEY777&item=x'
                    alternate = @{ mirror = @{ href = 'https://PLANTEDGITTOKEN999@mirror.example/x.tif' } }
                }
            }
        } | ConvertTo-Json -Depth 10 -Compress | Set-Content -LiteralPath $itemsFile
        $script:out = (New-Item -ItemType Directory -Path (Join-Path $root 'out')).FullName
        $script:run = Invoke-Observed @"
`$items = @(Import-StacItem '$itemsFile')
`$items | Export-StacItem '$out/items.ndjson'
`$items | Export-StacItem '$out/items.parquet'
`$items | New-StacPackage '$out/keyed.pkg' -NoProbe
"@
    }
    AfterAll { Remove-Item -LiteralPath $root -Recurse -Force -ErrorAction SilentlyContinue }

    It 'writes no API key, URL password or URL token into any file or record, and counts the hrefs changed' {
        Test-Path -LiteralPath (Join-Path $out 'keyed.pkg/items.parquet') | Should -BeTrue
        Find-Planted ((Get-WrittenText $out) -join "`n") $planted | Should -BeNullOrEmpty
        Find-Planted $run.Output $planted | Should -BeNullOrEmpty
        Find-Planted $run.Errors $planted | Should -BeNullOrEmpty
        $item = Get-Content -LiteralPath (Join-Path $out 'items.ndjson') | ConvertFrom-Json
        $item.assets.data.href | Should -Be 'https://api.example/download/x.tif?item=x'
        $item.assets.data.alternate.mirror.href | Should -Be 'https://mirror.example/x.tif'
        $item.links[0].href | Should -Be 'https://catalog.example/items/x.json'
        @($run.Output -split "`n" | Where-Object { $_ -match 'removed signing parameters' -and $_ -match 'from 3 hrefs in 1 Items' }).Count | Should -Be 3
    }
}

Describe 'Endpoint URLs and destinations with credentials or signatures' {
    BeforeAll {
        $script:s3 = Start-TestS3rver -Bucket 'src', 'dst'
        $script:root = New-TempDirectory 'secrets-endpoints'
        $script:planted = 'PLANTEDPASS111', 'PLANTEDEPSIG222', 'PLANTEDDESTSIG333'
        if (-not $s3) { return }
        [IO.File]::WriteAllBytes((Join-Path $root 'a.bin'), [byte[]](1..100))
        Set-TestS3Object -Server $s3 -Bucket src -Key 'a.bin' -Content ([byte[]](1..100))
        $fileItem = Join-Path $root 'file-item.ndjson'
        $s3Item = Join-Path $root 's3-item.ndjson'
        foreach ($pair in @(@($fileItem, (Join-Path $root 'a.bin')), @($s3Item, 's3://src/a.bin'))) {
            [ordered]@{
                type = 'Feature'; stac_version = '1.1.0'; id = 'plain'; geometry = $null
                properties = @{ datetime = '2024-01-01T00:00:00Z' }; links = @(); assets = @{ data = @{ href = $pair[1] } }
            } | ConvertTo-Json -Depth 5 -Compress | Set-Content -LiteralPath $pair[0]
        }
        $script:out = (New-Item -ItemType Directory -Path (Join-Path $root 'out')).FullName
        $port = $s3.Port
        $script:run = Invoke-Observed @"
`$env:AWS_ACCESS_KEY_ID = 'S3RVER'; `$env:AWS_SECRET_ACCESS_KEY = 'S3RVER'; `$env:AWS_REGION = 'us-east-1'
`$withUser = 'http://S3RVER:PLANTEDPASS111@127.0.0.1:$port'
`$withQuery = 'http://127.0.0.1:$port/?X-Amz-Signature=PLANTEDEPSIG222'
`$noScheme = 'S3RVER:PLANTEDPASS111@127.0.0.1:$port'
`$s3Destination = 's3://dst/moved?X-Amz-Signature=PLANTEDDESTSIG333'
`$azureDestination = 'https://account.blob.core.windows.net/c/moved?sv=2024-01-01&sig=PLANTEDDESTSIG333'
`$lock = @(Import-StacItem '$fileItem' | New-StacAssetLock)
`$moved = @(`$lock | Move-StacAsset -Destination 's3://dst/user' -EndpointUrl `$withUser)
`$moved += @(`$lock | Move-StacAsset -Destination 's3://dst/query' -EndpointUrl `$withQuery)
`$moved += @(`$lock | Move-StacAsset -Destination `$s3Destination -EndpointUrl 'http://127.0.0.1:$port')
`$moved += @(`$lock | Move-StacAsset -Destination `$azureDestination)
`$moved | Format-List * | Out-String -Width 4096
`$moved | Export-StacAssetLock '$out/moved.lock.parquet'
`$lock | Test-StacAssetLock -EndpointUrl `$withUser | Format-List * | Out-String -Width 4096
`$lock | Test-StacAssetLock -EndpointUrl `$noScheme | Format-List * | Out-String -Width 4096
Import-StacItem '$s3Item' | New-StacAssetLock -EndpointUrl `$withQuery | Format-List * | Out-String -Width 4096
Import-StacItem '$s3Item' | New-StacPackage '$out/s3.pkg' -EndpointUrl `$withUser
"@
    }
    AfterAll {
        Stop-TestServer $s3
        Remove-Item -LiteralPath $root -Recurse -Force -ErrorAction SilentlyContinue
    }

    It 'refuses each one before anything is copied or written, saying why' {
        Skip-WithoutServer $s3 's3rver'
        $run.Output | Should -Match 'InvalidEndpointUrl'
        $run.Output | Should -Match 'carries user credentials or a query'
        $run.Output | Should -Match "the destination 's3://dst/moved' has a query"
        Get-TestS3Listing -Server $s3 -Bucket dst | Should -BeNullOrEmpty
        Test-Path -LiteralPath (Join-Path $out 's3.pkg') | Should -BeFalse
    }

    It 'shows no password or signature in any file, stream or record' {
        Skip-WithoutServer $s3 's3rver'
        Find-Planted ((Get-WrittenText $out) -join "`n") $planted | Should -BeNullOrEmpty
        Find-Planted $run.Output $planted | Should -BeNullOrEmpty
        Find-Planted $run.Errors $planted | Should -BeNullOrEmpty
    }
}

Describe 'A foreign lock whose rows carry credentials in store_endpoint_url, store_container or key' {
    BeforeAll {
        $script:root = New-TempDirectory 'secrets-lock'
        $script:planted = 'PLANTEDLOCKPASS555', 'PLANTEDLOCKSIG666'
        # Written by DuckDB, an independent writer: our own writer refuses such rows.
        $script:lockFile = Join-Path $root 'foreign.lock.parquet'
        $sql = @"
COPY (SELECT * FROM (VALUES
  ('user-info', 'data', 's3', 'bucket', 'http://USER:PLANTEDLOCKPASS555@127.0.0.1:9', 'a.bin', 10::BIGINT, NULL::VARCHAR, NULL::VARCHAR, NULL::VARCHAR),
  ('query', 'data', 'az', 'c', 'https://acct.blob.core.windows.net/?sv=2024-01-01&sig=PLANTEDLOCKSIG666', 'a.bin', 10::BIGINT, NULL, NULL, NULL),
  ('not-a-url', 'data', 's3', 'bucket', 'USER:PLANTEDLOCKPASS555@127.0.0.1:9', 'a.bin', 10::BIGINT, NULL, NULL, NULL),
  ('signed-key', 'data', 'http', 'http://127.0.0.1:9', NULL, 'a.bin?sv=1&sig=PLANTEDLOCKSIG666', 10::BIGINT, NULL, NULL, NULL),
  ('signed-s3-key', 'data', 's3', 'bucket', NULL, 'a.bin?X-Amz-Signature=PLANTEDLOCKSIG666', 10::BIGINT, NULL, NULL, NULL),
  ('container-user-info', 'data', 'https', 'https://USER:PLANTEDLOCKPASS555@127.0.0.1:9', NULL, 'a.bin', 10::BIGINT, NULL, NULL, NULL)
) t(item_id, asset_key, store_type, store_container, store_endpoint_url, key, size_bytes, etag, last_modified, file_checksum))
TO '$lockFile' (FORMAT parquet, KV_METADATA {'stacpkg:schema-kind': 'asset-lock', 'stacpkg:schema-version': 'v1'})
"@
        & node (Join-Path $RepoRoot 'tests/duckdb/query.mjs') $sql | Out-Null
        $script:duckdbExit = $LASTEXITCODE
        $script:out = (New-Item -ItemType Directory -Path (Join-Path $root 'out')).FullName
        if ($duckdbExit -ne 0) { return }
        $script:run = Invoke-Observed @"
`$rows = @(Import-StacAssetLock '$lockFile')
`$rows | Format-List * | Out-String -Width 4096
`$rows | Test-StacAssetLock | Format-List * | Out-String -Width 4096
`$rows | Move-StacAsset -Destination '$out/moved' | Export-StacAssetLock '$out/moved.lock.parquet'
`$rows | Export-StacAssetLock '$out/exported.lock.parquet'
'{"type":"Feature","stac_version":"1.1.0","id":"signed-key","geometry":null,"properties":{"datetime":"2024-01-01T00:00:00Z"},"links":[],"assets":{"data":{"href":"http://127.0.0.1:9/a.bin"}}}' |
    ConvertFrom-StacJson | New-StacPackage '$out/given-lock.pkg' -AssetLock '$lockFile'
"@
    }
    AfterAll { Remove-Item -LiteralPath $root -Recurse -Force -ErrorAction SilentlyContinue }

    It 'refuses the rows, naming them, and shows no secret anywhere' {
        if ($duckdbExit -eq 3) { Skip-WithoutServer $null 'DuckDB (npm @duckdb/node-api)' }
        $duckdbExit | Should -Be 0
        Find-Planted ((Get-WrittenText $out) -join "`n") $planted | Should -BeNullOrEmpty
        Find-Planted $run.Output $planted | Should -BeNullOrEmpty
        Find-Planted $run.Errors $planted | Should -BeNullOrEmpty
        $run.Output | Should -Match "item 'user-info' asset 'data': store_endpoint_url"
        $run.Output | Should -Match "item 'query' asset 'data': store_endpoint_url"
        $run.Output | Should -Match "item 'not-a-url' asset 'data': store_endpoint_url"
        $run.Output | Should -Match "item 'signed-key' asset 'data': key 'a.bin' carries signing parameters"
        $run.Output | Should -Match "item 'signed-s3-key' asset 'data': key 'a.bin' carries signing parameters"
        $run.Output | Should -Match "item 'container-user-info' asset 'data': store_container 'https://127.0.0.1:9' carries user credentials"
        Test-Path -LiteralPath (Join-Path $out 'given-lock.pkg') | Should -BeFalse
    }
}

Describe 'OCI references with credentials' {
    BeforeAll {
        $script:root = New-TempDirectory 'secrets-oci'
        $script:planted = @('PLANTEDREGPASS444', 'PLANTEDREGTOKEN555')
        $script:run = Invoke-Observed @"
`$bare = 'USER:PLANTEDREGPASS444@127.0.0.1:5000/stac/pkg:v1'
`$url = 'https://USER:PLANTEDREGPASS444@127.0.0.1:5000/stac/pkg:v1'
`$fragment = 'https://127.0.0.1:5000/stac/pkg:v1#access_token=PLANTEDREGTOKEN555'
Publish-StacPackage -Path '$root' -Reference `$bare -PlainHttp
Save-StacPackage -Path '$root/pulled' -Reference `$url -PlainHttp
Save-StacPackage -Path '$root/pulled' -Reference `$fragment -PlainHttp
"@
    }
    AfterAll { Remove-Item -LiteralPath $root -Recurse -Force -ErrorAction SilentlyContinue }

    It 'refuses them before any request, without repeating the password' {
        Find-Planted $run.Output $planted | Should -BeNullOrEmpty
        Find-Planted $run.Errors $planted | Should -BeNullOrEmpty
        @([regex]::Matches($run.Output, 'carries user credentials or a token')).Count | Should -Be 3
        $run.Output | Should -Match 'InvalidOciReference'
    }
}
