# The asset lock as a user runs it, against real servers on loopback (TestServers.ps1): a lock
# built from Items in each store type validates clean; edits, deletions and rewrites make exactly
# the expected rows invalid; retries, scale, bad input, secrets, round trip and exit codes.

BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    . (Join-Path $PSScriptRoot 'TestServers.ps1')
    Import-Module $ModulePath -Force

    # A STAC Item with the given assets (key → href, or key → hashtable of asset fields).
    function New-TestItem {
        param([Parameter(Mandatory)] [string] $Id, [Parameter(Mandatory)] [Collections.IDictionary] $Assets)
        $assetObjects = [ordered]@{}
        foreach ($key in $Assets.Keys) {
            $value = $Assets[$key]
            $assetObjects[$key] = if ($value -is [Collections.IDictionary]) { $value } else { @{ href = $value; roles = @('data') } }
        }
        [ordered]@{
            type = 'Feature'; stac_version = '1.0.0'; id = $Id; geometry = $null
            properties = @{ datetime = '2024-01-01T00:00:00Z' }; links = @(); assets = $assetObjects
        } | ConvertTo-Json -Depth 10 -Compress | ConvertFrom-StacJson
    }

    # file:checksum as STAC File Info writes it: the sha2-256 multihash, hex.
    function Get-Multihash([byte[]] $Bytes) {
        '1220' + [Convert]::ToHexString([Security.Cryptography.SHA256]::HashData($Bytes)).ToLowerInvariant()
    }

    # Fixed-size contents, so a "same size" edit really keeps the size.
    function Get-Content64([string] $Text) {
        [Text.Encoding]::ASCII.GetBytes($Text.PadRight(64, '.').Substring(0, 64))
    }

    function New-TempDirectory([string] $Name) {
        (New-Item -ItemType Directory -Path (Join-Path ([IO.Path]::GetTempPath()) "stacpkg-$Name-$([guid]::NewGuid().ToString('N').Substring(0, 8))")).FullName
    }

    # A port nothing listens on: bound, read, released.
    function Get-ClosedPort { Get-FreeTcpPort }

    $script:SavedEnvironment = @{}
    function Set-TestEnvironment([hashtable] $Values) {
        foreach ($name in $Values.Keys) {
            if (-not $SavedEnvironment.ContainsKey($name)) {
                $SavedEnvironment[$name] = [Environment]::GetEnvironmentVariable($name)
            }
            [Environment]::SetEnvironmentVariable($name, $Values[$name])
        }
    }
}

AfterAll {
    foreach ($name in $SavedEnvironment.Keys) {
        [Environment]::SetEnvironmentVariable($name, $SavedEnvironment[$name])
    }
}

Describe 'Asset lock across file, http (nginx), s3 (s3rver) and az (Azurite)' {
    BeforeAll {
        $script:nginx = Start-TestNginx
        $script:s3 = Start-TestS3rver -Bucket 'stacpkg'
        $script:azurite = Start-TestAzurite -Container 'stacpkg'
        $script:fileRoot = New-TempDirectory 'files'
        if ($s3) { Set-TestEnvironment $s3.Environment }
        if ($azurite) { Set-TestEnvironment @{ AZURE_STORAGE_CONNECTION_STRING = $azurite.ConnectionString } }

        # Long ago, so that any rewrite of a file moves its mtime (and so nginx's ETag and Last-Modified).
        $script:past = [DateTime]::new(2024, 1, 2, 3, 4, 5, [DateTimeKind]::Utc)
        $script:names = 'same', 'samesize', 'resized', 'deleted', 'rewritten', 'samesizemtime'

        # One adapter per store: the href of a key, and how to write and delete its object.
        $script:stores = [ordered]@{}
        $stores.file = @{
            Href = { param($k) Join-Path $fileRoot $k }
            Write = { param($k, [byte[]] $b) [IO.File]::WriteAllBytes((Join-Path $fileRoot $k), $b) }
            Remove = { param($k) Remove-Item -LiteralPath (Join-Path $fileRoot $k) }
            Touch = { param($k, $t) [IO.File]::SetLastWriteTimeUtc((Join-Path $fileRoot $k), $t) }
        }
        if ($nginx) {
            $stores.http = @{
                Href = { param($k) "$($nginx.BaseUrl)/$k" }
                Write = { param($k, [byte[]] $b) [IO.File]::WriteAllBytes((Join-Path $nginx.Root $k), $b) }
                Remove = { param($k) Remove-Item -LiteralPath (Join-Path $nginx.Root $k) }
                Touch = { param($k, $t) [IO.File]::SetLastWriteTimeUtc((Join-Path $nginx.Root $k), $t) }
            }
        }
        if ($s3) {
            $stores.s3 = @{
                Href = { param($k) "s3://stacpkg/$k" }
                Write = { param($k, [byte[]] $b) Set-TestS3Object -Server $s3 -Bucket stacpkg -Key $k -Content $b }
                Remove = { param($k) Remove-TestS3Object -Server $s3 -Bucket stacpkg -Key $k }
            }
        }
        if ($azurite) {
            $stores.az = @{
                Href = { param($k) "az://stacpkg/$k" }
                Write = { param($k, [byte[]] $b) Set-TestAzBlob -Server $azurite -Container stacpkg -Key $k -Content $b }
                Remove = { param($k) Remove-TestAzBlob -Server $azurite -Container stacpkg -Key $k }
            }
        }

        $null = New-Item -ItemType Directory -Path (Join-Path $fileRoot 'lock test')
        if ($nginx) { $null = New-Item -ItemType Directory -Path (Join-Path $nginx.Root 'lock test') }
        # Every store gets the same six objects; the key has a space and a '+' (a known trap for S3).
        $script:items = foreach ($type in $stores.Keys) {
            $store = $stores[$type]
            $assets = [ordered]@{}
            foreach ($name in $names) {
                $key = "lock test/$name+1.bin"
                $bytes = Get-Content64 "original $type $name"
                & $store.Write $key $bytes
                if ($store.Touch) { & $store.Touch $key $past }
                $assets[$name] = @{ href = (& $store.Href $key); roles = @('data'); 'file:checksum' = (Get-Multihash $bytes) }
            }
            New-TestItem -Id "$type-item" -Assets $assets
        }
        $script:lockPath = Join-Path $fileRoot 'assets.lock.parquet'
        $script:lock = @($items | New-StacAssetLock -EndpointUrl $s3.EndpointUrl -ThrottleLimit 8)
        $lock | Export-StacAssetLock -Path $lockPath
    }

    AfterAll {
        Stop-TestServer $nginx, $s3, $azurite
        Remove-Item -LiteralPath $fileRoot -Recurse -Force -ErrorAction SilentlyContinue
    }

    It 'locks every asset of every store with its observed facts' {
        Skip-WithoutServer $nginx 'nginx'; Skip-WithoutServer $s3 's3rver'; Skip-WithoutServer $azurite 'Azurite'
        $lock.Count | Should -Be (4 * $names.Count)
        ($lock.StoreType | Sort-Object -Unique) | Should -Be @('az', 'file', 'http', 's3')
        $lock | ForEach-Object { $_.SizeBytes | Should -Be 64 }
        @($lock | Where-Object StoreType -NE 'file' | Where-Object { -not $_.ETag }).Count | Should -Be 0
        @($lock | Where-Object { -not $_.LastModified }).Count | Should -Be 0
        @($lock | Where-Object { -not $_.FileChecksum }).Count | Should -Be 0
    }

    It 'validates clean before any change, with and without -Checksum' {
        Skip-WithoutServer $nginx 'nginx'; Skip-WithoutServer $s3 's3rver'; Skip-WithoutServer $azurite 'Azurite'
        $results = @(Import-StacAssetLock -LiteralPath $lockPath | Test-StacAssetLock -EndpointUrl $s3.EndpointUrl -ErrorVariable errors)
        $results.Count | Should -Be $lock.Count
        @($results | Where-Object { -not $_.Valid }).Count | Should -Be 0
        $errors.Count | Should -Be 0
        @(Import-StacAssetLock -LiteralPath $lockPath | Test-StacAssetLock -Checksum -EndpointUrl $s3.EndpointUrl | Where-Object { -not $_.Valid }).Count | Should -Be 0
        Import-StacAssetLock -LiteralPath $lockPath | Test-StacAssetLock -Quiet -EndpointUrl $s3.EndpointUrl | Should -BeTrue
    }

    Context 'after changing, deleting and rewriting objects' {
        BeforeAll {
            # Second-resolution Last-Modified: the rewrites below must land in a later second than the lock.
            Start-Sleep -Milliseconds 1100
            foreach ($type in $stores.Keys) {
                $store = $stores[$type]
                & $store.Write 'lock test/samesize+1.bin' (Get-Content64 "CHANGED $type samesize")
                & $store.Write 'lock test/resized+1.bin' ([Text.Encoding]::ASCII.GetBytes("shorter $type"))
                & $store.Remove 'lock test/deleted+1.bin'
                & $store.Write 'lock test/rewritten+1.bin' (Get-Content64 "original $type rewritten")
                if ($store.Touch) {
                    # Same size and the old mtime back: size, ETag (nginx: mtime-size) and Last-Modified
                    # all still match; only the content hash can tell.
                    & $store.Write 'lock test/samesizemtime+1.bin' (Get-Content64 "CHANGED $type samesizemtime")
                    & $store.Touch 'lock test/samesizemtime+1.bin' $past
                }
            }
            $script:results = @(Import-StacAssetLock -LiteralPath $lockPath |
                    Test-StacAssetLock -EndpointUrl $s3.EndpointUrl -ErrorVariable testErrors -ErrorAction SilentlyContinue)
            $script:errorsSeen = @($testErrors)
            $script:checked = @(Import-StacAssetLock -LiteralPath $lockPath |
                    Test-StacAssetLock -Checksum -EndpointUrl $s3.EndpointUrl -ErrorAction SilentlyContinue)
            function Get-Result($set, $type, $name) { $set | Where-Object { $_.ItemId -eq "$type-item" -and $_.AssetKey -eq $name } }
        }

        It 'makes exactly the changed, resized, deleted and rewritten rows invalid (same-size edits with the old mtime pass without -Checksum)' {
            Skip-WithoutServer $nginx 'nginx'; Skip-WithoutServer $s3 's3rver'; Skip-WithoutServer $azurite 'Azurite'
            $expected = foreach ($type in $stores.Keys) { foreach ($name in 'samesize', 'resized', 'deleted', 'rewritten') { "$type-item/$name" } }
            $invalid = $results | Where-Object { -not $_.Valid } | ForEach-Object { "$($_.ItemId)/$($_.AssetKey)" }
            ($invalid | Sort-Object) | Should -Be ($expected | Sort-Object)
            $results.Count | Should -Be $lock.Count
        }

        It 'gives each invalid row the right reason' {
            Skip-WithoutServer $nginx 'nginx'; Skip-WithoutServer $s3 's3rver'; Skip-WithoutServer $azurite 'Azurite'
            foreach ($type in $stores.Keys) {
                (Get-Result $results $type 'resized').Reasons -join '; ' | Should -Match 'size' -Because "$type resized"
                (Get-Result $results $type 'deleted').Reasons -join '; ' | Should -Match 'missing|not found' -Because "$type deleted"
                # Same size: the store's validators moved (content ETag on s3, new ETag on Azurite,
                # mtime-based ETag and Last-Modified on nginx and files), the size did not.
                $samesize = (Get-Result $results $type 'samesize').Reasons -join '; '
                $samesize | Should -Match 'etag|last.?modified' -Because "$type same-size edit"
                $samesize | Should -Not -Match 'size \d' -Because "$type same-size edit keeps its size"
            }
        }

        It 'judges a rewrite with identical bytes by its moved Last-Modified (and ETag on nginx and Azurite, not on s3 where the ETag is the MD5); -Checksum adds no content mismatch' {
            Skip-WithoutServer $nginx 'nginx'; Skip-WithoutServer $s3 's3rver'; Skip-WithoutServer $azurite 'Azurite'
            foreach ($type in $stores.Keys) {
                $reasons = (Get-Result $results $type 'rewritten').Reasons -join '; '
                $reasons | Should -Match 'last.?modified' -Because "$type rewrite moves Last-Modified"
                $reasons | Should -Not -Match 'size' -Because "$type rewrite keeps the size"
                # The validator reads content only when the cheap facts match, so no checksum verdict here.
                ((Get-Result $checked $type 'rewritten').Reasons -join '; ') | Should -Not -Match 'checksum' -Because "$type rewrite keeps the content"
            }
            # S3's ETag is the content MD5: identical bytes, identical ETag.
            (Get-Result $results 's3' 'rewritten').Reasons -join '; ' | Should -Not -Match 'etag'
            (Get-Result $results 'http' 'rewritten').Reasons -join '; ' | Should -Match 'etag'
            (Get-Result $results 'az' 'rewritten').Reasons -join '; ' | Should -Match 'etag'
        }

        It '-Checksum catches a same-size change that size, ETag and Last-Modified cannot (file and nginx, mtime restored)' {
            Skip-WithoutServer $nginx 'nginx'
            foreach ($type in 'file', 'http') {
                (Get-Result $results $type 'samesizemtime').Valid | Should -BeTrue -Because "${type}: nothing but the content changed"
                $result = Get-Result $checked $type 'samesizemtime'
                $result.Valid | Should -BeFalse -Because "${type}: -Checksum reads the content"
                ($result.Reasons -join '; ') | Should -Match 'checksum'
            }
        }

        It 'writes one non-terminating error per invalid row, with an id, a category and the row as target' {
            Skip-WithoutServer $nginx 'nginx'; Skip-WithoutServer $s3 's3rver'; Skip-WithoutServer $azurite 'Azurite'
            $errorsSeen.Count | Should -Be @($results | Where-Object { -not $_.Valid }).Count
            foreach ($e in $errorsSeen) {
                $e.TargetObject.GetType().FullName | Should -Be 'StacPkg.Core.Lock.AssetLockEntry'
                $e.Exception.Message | Should -Match ([regex]::Escape("$($e.TargetObject.ItemId)/$($e.TargetObject.AssetKey)"))
            }
            $deleted = $errorsSeen | Where-Object { $_.TargetObject.AssetKey -eq 'deleted' }
            $deleted | ForEach-Object { $_.FullyQualifiedErrorId | Should -BeLike 'AssetMissing*'; $_.CategoryInfo.Category | Should -Be 'ObjectNotFound' }
            $resized = $errorsSeen | Where-Object { $_.TargetObject.AssetKey -eq 'resized' }
            $resized | ForEach-Object { $_.FullyQualifiedErrorId | Should -BeLike 'AssetMismatch*'; $_.CategoryInfo.Category | Should -Be 'InvalidResult' }
        }

        It 'answers -Quiet with one $false' {
            Skip-WithoutServer $nginx 'nginx'; Skip-WithoutServer $s3 's3rver'; Skip-WithoutServer $azurite 'Azurite'
            $answer = @(Import-StacAssetLock -LiteralPath $lockPath | Test-StacAssetLock -Quiet -EndpointUrl $s3.EndpointUrl)
            $answer.Count | Should -Be 1
            $answer[0] | Should -BeFalse
        }
    }
}

Describe 'Retries and concurrency against a failure injector' {
    BeforeAll {
        $script:flaky = Start-TestFaultServer -FailCount 2 -Status 503 -Size 16
        $script:slow = Start-TestFaultServer -FailCount 0 -Size 16 -DelayMilliseconds 150
        $script:stall = Start-TestFaultServer -FailCount 0 -Size 16 -DelayMilliseconds 20000
    }
    AfterAll { Stop-TestServer $flaky, $slow, $stall }

    It 'stops promptly on Ctrl+C with checks in flight, and reports no result for them' {
        Skip-WithoutServer $stall 'fault server'
        # In a child process, as the Export-StacItem Ctrl+C test does; PowerShell.Stop() is what Ctrl+C does.
        $run = Invoke-ChildPwsh @"
Import-Module '$ModulePath'
`$assets = [ordered]@{}
1..64 | ForEach-Object { `$assets["a`$_"] = @{ href = '$($stall.BaseUrl)/s' + `$_ + '.bin'; 'file:size' = 16 } }
`$json = [ordered]@{ type = 'Feature'; stac_version = '1.0.0'; id = 'stall'; geometry = `$null; properties = @{ datetime = '2024-01-01T00:00:00Z' }; links = @(); assets = `$assets } | ConvertTo-Json -Depth 5 -Compress
`$ps = [powershell]::Create()
`$null = `$ps.AddScript('param(`$m, `$j) Import-Module `$m; `$j | ConvertFrom-StacJson | New-StacAssetLock -NoProbe | Test-StacAssetLock -ThrottleLimit 4').AddArgument('$ModulePath').AddArgument(`$json)
`$output = [Management.Automation.PSDataCollection[psobject]]::new()
`$null = `$ps.BeginInvoke([Management.Automation.PSDataCollection[psobject]]`$null, `$output)
Start-Sleep -Milliseconds 1500
'before=' + `$ps.InvocationStateInfo.State
`$stopwatch = [Diagnostics.Stopwatch]::StartNew()
`$ps.Stop()
'stopped-fast=' + (`$stopwatch.Elapsed.TotalSeconds -lt 5)
'after=' + `$ps.InvocationStateInfo.State
'results=' + `$output.Count
`$ps.Dispose()
"@
        $run.Output | Should -Contain 'before=Running' -Because ($run.Output -join "`n")
        $run.Output | Should -Contain 'stopped-fast=True'
        $run.Output | Should -Contain 'after=Stopped'
        $run.Output | Should -Contain 'results=0'
    }

    It 'retries a server that answers 503 twice and judges the third answer (valid)' {
        Skip-WithoutServer $flaky 'fault server'
        $item = New-TestItem -Id 'flaky' -Assets @{ data = @{ href = "$($flaky.BaseUrl)/flaky.bin"; 'file:size' = 16 } }
        $entry = $item | New-StacAssetLock -NoProbe
        $entry.SizeBytes | Should -Be 16
        $result = $entry | Test-StacAssetLock -ErrorVariable errors
        $result.Valid | Should -BeTrue
        $errors.Count | Should -Be 0
        (Invoke-RestMethod "$($flaky.BaseUrl)/__requests").paths.'/flaky.bin' | Should -Be 3
    }

    It 'keeps at most -ThrottleLimit checks in flight' {
        Skip-WithoutServer $slow 'fault server'
        $assets = [ordered]@{}
        1..24 | ForEach-Object { $assets["a$_"] = @{ href = "$($slow.BaseUrl)/c$_.bin"; 'file:size' = 16 } }
        $entries = New-TestItem -Id 'slow' -Assets $assets | New-StacAssetLock -NoProbe
        $results = @($entries | Test-StacAssetLock -ThrottleLimit 4)
        @($results | Where-Object Valid).Count | Should -Be 24
        $stats = Invoke-RestMethod "$($slow.BaseUrl)/__requests"
        $stats.maxInFlight | Should -BeLessOrEqual 4
        $stats.maxInFlight | Should -BeGreaterThan 1
    }
}

Describe '10,000 assets on nginx' {
    BeforeAll {
        $script:big = Start-TestNginx
        if ($big) {
            $dir = (New-Item -ItemType Directory -Path (Join-Path $big.Root 'many')).FullName
            $bytes = [Text.Encoding]::ASCII.GetBytes('0123456789')
            $script:bigItems = foreach ($i in 0..999) {
                $assets = [ordered]@{}
                foreach ($j in 0..9) {
                    $name = "a$i-$j.bin"
                    [IO.File]::WriteAllBytes((Join-Path $dir $name), $bytes)
                    $assets["b$j"] = "$($big.BaseUrl)/many/$name"
                }
                New-TestItem -Id "item-$i" -Assets $assets
            }
            $script:bigLock = Join-Path $big.Dir 'big.lock.parquet'
            $bigItems | New-StacAssetLock -ThrottleLimit 16 | Export-StacAssetLock -Path $bigLock
        }
    }
    AfterAll { Stop-TestServer $big }

    It 'validates all 10,000 with results streaming out before the input ends' {
        Skip-WithoutServer $big 'nginx'
        $script:fed = 0
        $script:fedAtFirstResult = -1
        $valid = 0
        Import-StacAssetLock -LiteralPath $bigLock |
            ForEach-Object { $script:fed++; $_ } |
            Test-StacAssetLock -ThrottleLimit 16 |
            ForEach-Object {
                if ($script:fedAtFirstResult -lt 0) { $script:fedAtFirstResult = $script:fed }
                if ($_.Valid) { $valid++ }
            }
        $valid | Should -Be 10000
        $fed | Should -Be 10000
        $fedAtFirstResult | Should -BeLessThan 10000 -Because 'results are written as checks complete, not at the end'
    }

    It 'holds memory flat: validating 10,000 rows from a file keeps no per-row state' {
        Skip-WithoutServer $big 'nginx'
        [GC]::Collect(); [GC]::WaitForPendingFinalizers()
        $before = [GC]::GetTotalMemory($true)
        $process = [Diagnostics.Process]::GetCurrentProcess()
        $count = (Import-StacAssetLock -LiteralPath $bigLock | Test-StacAssetLock -ThrottleLimit 16 | Measure-Object).Count
        $after = [GC]::GetTotalMemory($true)
        $count | Should -Be 10000
        # 10,000 results kept would be several MB; streamed through Measure-Object they are garbage.
        ($after - $before) / 1MB | Should -BeLessThan 16
        $process.Refresh()
        Write-Host ("    managed heap {0:N1} MB -> {1:N1} MB; working set {2:N0} MB; peak {3:N0} MB" -f ($before / 1MB), ($after / 1MB), ($process.WorkingSet64 / 1MB), ($process.PeakWorkingSet64 / 1MB))
    }
}

Describe 'Bad input' {
    BeforeAll {
        $script:badDir = New-TempDirectory 'badlock'
        $script:goodFile = Join-Path $badDir 'good.bin'
        [IO.File]::WriteAllBytes($goodFile, [byte[]](1..10))
        $closed = Get-ClosedPort
        $script:closedPort = $closed
        # Written by DuckDB, an independent writer, since our own writer refuses such rows.
        $badLock = Join-Path $badDir 'bad.lock.parquet'
        $sql = @"
COPY (SELECT * FROM (VALUES
  (NULL::VARCHAR, 'data', 'file', NULL::VARCHAR, NULL::VARCHAR, '$goodFile', 10::BIGINT, NULL::VARCHAR, NULL::VARCHAR, NULL::VARCHAR),
  ('unknown-store', 'data', 'ftp', 'example.org', NULL, 'x.bin', 10::BIGINT, NULL, NULL, NULL),
  ('closed-port', 'data', 'http', 'http://127.0.0.1:$closed', NULL, 'x.bin', 10::BIGINT, NULL, NULL, NULL),
  ('good', 'data', 'file', NULL, NULL, '$goodFile', 10::BIGINT, NULL, NULL, NULL)
) t(item_id, asset_key, store_type, store_container, store_endpoint_url, key, size_bytes, etag, last_modified, file_checksum))
TO '$badLock' (FORMAT parquet, KV_METADATA {'stacpkg:schema-kind': 'asset-lock', 'stacpkg:schema-version': 'v1'})
"@
        & node (Join-Path $RepoRoot 'tests/duckdb/query.mjs') $sql | Out-Null
        $script:duckdbExit = $LASTEXITCODE
        $script:badLock = $badLock
        $script:corrupt = Join-Path $badDir 'corrupt.lock.parquet'
        [IO.File]::WriteAllBytes($corrupt, [Text.Encoding]::ASCII.GetBytes('PAR1 this is not parquet at all PAR1'))
    }
    AfterAll { Remove-Item -LiteralPath $badDir -Recurse -Force -ErrorAction SilentlyContinue }

    It 'reports a row with missing fields and an unknown store type at import, an unreachable endpoint at the check, and still checks the good row' {
        if ($duckdbExit -eq 3) {
            Skip-WithoutServer $null 'DuckDB (npm @duckdb/node-api)'
        }
        $duckdbExit | Should -Be 0
        $entries = @(Import-StacAssetLock -LiteralPath $badLock -ErrorVariable readErrors -ErrorAction SilentlyContinue)
        $entries.ItemId | Should -Be @('closed-port', 'good')
        $readErrors.Count | Should -Be 2
        $readErrors[0].Exception.Message | Should -Match 'row 1'
        $readErrors[0].Exception.Message | Should -Match 'item_id'
        $readErrors[1].Exception.Message | Should -Match "row 2: item 'unknown-store' asset 'data': store_type 'ftp' is not one of"
        $readErrors.FullyQualifiedErrorId | Should -BeLike 'AssetLockRowInvalid*'

        $results = @($entries | Test-StacAssetLock -ErrorVariable testErrors -ErrorAction SilentlyContinue)
        $results.Count | Should -Be 2
        ($results | Where-Object ItemId -EQ 'good').Valid | Should -BeTrue
        $closedResult = $results | Where-Object ItemId -EQ 'closed-port'
        $closedResult.Valid | Should -BeFalse
        ($closedResult.Reasons -join '; ') | Should -Match "unreachable|refused|127\.0\.0\.1:$closedPort"
        $testErrors.Count | Should -Be 1
        ($testErrors | Where-Object { $_.TargetObject.ItemId -eq 'closed-port' }).CategoryInfo.Category | Should -Be 'ConnectionError'
    }

    It 'refuses a negative size, a malformed checksum and an unknown store type per row, from a lock file and from objects built by hand' {
        if ($duckdbExit -eq 3) {
            Skip-WithoutServer $null 'DuckDB (npm @duckdb/node-api)'
        }
        $good = Get-Multihash ([byte[]](1..10))
        $factsLock = Join-Path $badDir 'facts.lock.parquet'
        $sql = @"
COPY (SELECT * FROM (VALUES
  ('negative', 'data', 'file', '$goodFile', -5::BIGINT, NULL::VARCHAR),
  ('zzzz', 'data', 'file', '$goodFile', 10::BIGINT, 'zzzz'),
  ('ftp', 'data', 'ftp', 'x.bin', 10::BIGINT, NULL),
  ('good', 'data', 'file', '$goodFile', 10::BIGINT, '$good')
) t(item_id, asset_key, store_type, key, size_bytes, file_checksum))
TO '$factsLock' (FORMAT parquet, KV_METADATA {'stacpkg:schema-kind': 'asset-lock', 'stacpkg:schema-version': 'v1'})
"@
        & node (Join-Path $RepoRoot 'tests/duckdb/query.mjs') $sql | Out-Null
        $LASTEXITCODE | Should -Be 0

        # Import: one error per bad row naming item, asset, field and value; the good row comes through.
        $entries = @(Import-StacAssetLock -LiteralPath $factsLock -ErrorVariable readErrors -ErrorAction SilentlyContinue)
        $entries.ItemId | Should -Be @('good')
        $readErrors.Count | Should -Be 3
        $readErrors[0].Exception.Message | Should -BeLike "*row 1: item 'negative' asset 'data': size_bytes -5 is negative"
        $readErrors[1].Exception.Message | Should -BeLike "*row 2: item 'zzzz' asset 'data': file_checksum 'zzzz' is not hex*"
        $readErrors[2].Exception.Message | Should -BeLike "*row 3: item 'ftp' asset 'data': store_type 'ftp' is not one of*"

        # The same lock as -AssetLock: refused, nothing written into an Item.
        $item = New-TestItem -Id 'negative' -Assets @{ data = $goodFile }
        { $item | Update-StacItem -AssetLock $factsLock -ErrorAction Stop } | Should -Throw "*size_bytes -5 is negative*"

        # Objects built by hand: PSCustomObjects and entries edited after import. ("$goodFile": a
        # PSObject-wrapped string from Join-Path stops PowerShell converting the object at all.)
        $bad = @(
            [pscustomobject]@{ ItemId = 'negative'; AssetKey = 'data'; StoreType = 'file'; Key = "$goodFile"; SizeBytes = -5 }
            [pscustomobject]@{ ItemId = 'zzzz'; AssetKey = 'data'; StoreType = 'file'; Key = "$goodFile"; SizeBytes = 10; FileChecksum = 'zzzz' }
            [pscustomobject]@{ ItemId = 'ftp'; AssetKey = 'data'; StoreType = 'ftp'; StoreContainer = 'ftp://host'; Key = 'x.bin' }
        )
        $results = @($bad + $entries | Test-StacAssetLock -Checksum -ErrorVariable testErrors -ErrorAction SilentlyContinue)
        ($results | Where-Object Valid).ItemId | Should -Be @('good')
        ($results | Where-Object ItemId -EQ 'zzzz').Reasons | Should -Be @("file_checksum 'zzzz' is not hex digits in pairs")
        ($results | Where-Object ItemId -EQ 'negative').Reasons | Should -Be @('size_bytes -5 is negative')
        $testErrors.Count | Should -Be 3
        $testErrors.FullyQualifiedErrorId | Should -BeLike 'AssetInvalid*'

        { $item | Update-StacItem -AssetLock $bad[0] -ErrorAction Stop } | Should -Throw "*item 'negative' asset 'data': size_bytes -5 is negative*"
        $blank = $entries[0].Clone(); $blank.ItemId = ''
        { $item | Update-StacItem -AssetLock $blank -ErrorAction Stop } | Should -Throw "*item_id is empty*"
        $edited = $entries[0].Clone(); $edited.SizeBytes = -5
        { $item | Update-StacItem -AssetLock $edited -ErrorAction Stop } | Should -Throw "*item 'good' asset 'data': size_bytes -5 is negative*"

        $target = Join-Path $badDir 'moved'
        $moved = @($bad + $entries | Move-StacAsset -Destination $target -SourceRoot $badDir -ErrorVariable moveErrors -ErrorAction SilentlyContinue)
        $moved.ItemId | Should -Be @('good')
        $moveErrors.Count | Should -Be 3
        ($moveErrors.Exception.Message -join "`n") | Should -Match "invalid lock row: item 'negative' asset 'data': size_bytes -5"
        Test-Path -LiteralPath (Join-Path $target 'negative') | Should -BeFalse

        $exported = Join-Path $badDir 'exported.lock.parquet'
        $bad + $entries | Export-StacAssetLock -Path $exported -ErrorVariable exportErrors -ErrorAction SilentlyContinue
        $exportErrors.Count | Should -Be 3
        $exportErrors[0].FullyQualifiedErrorId | Should -BeLike 'AssetLockRowRefused*'
        $exportErrors[1].Exception.Message | Should -BeLike "*row 2: item 'zzzz' asset 'data': file_checksum 'zzzz'*"
        Test-Path -LiteralPath $exported | Should -BeFalse
    }

    It 'reports a corrupt parquet file by name and goes on with the next file' {
        $goodLock = Join-Path $badDir 'good.lock.parquet'
        New-TestItem -Id 'good' -Assets @{ data = $goodFile } | New-StacAssetLock | Export-StacAssetLock -Path $goodLock
        $entries = @(Import-StacAssetLock -LiteralPath $corrupt, $goodLock -ErrorVariable readErrors -ErrorAction SilentlyContinue)
        $entries.ItemId | Should -Be @('good')
        $readErrors.Count | Should -Be 1
        $readErrors[0].Exception.Message | Should -Match ([regex]::Escape('corrupt.lock.parquet'))
        $readErrors[0].FullyQualifiedErrorId | Should -BeLike 'AssetLockUnreadable*'
    }

    It 'reports a missing path and a directory without a lock' {
        $null = Import-StacAssetLock -LiteralPath (Join-Path $badDir 'nope.parquet') -ErrorVariable e1 -ErrorAction SilentlyContinue
        $e1[0].FullyQualifiedErrorId | Should -BeLike 'PathNotFound*'
        $null = Import-StacAssetLock -LiteralPath $badDir -ErrorVariable e2 -ErrorAction SilentlyContinue
        $e2[0].FullyQualifiedErrorId | Should -BeLike 'PackageLockNotFound*'
    }

    It 'keeps relative file hrefs relative unless -BaseDirectory is given, and checks them from the current location' {
        Push-Location $badDir
        try {
            $item = New-TestItem -Id 'relative' -Assets @{ data = './good.bin' }
            $relative = $item | New-StacAssetLock
            $relative.Key | Should -Not -BeLike '/*'
            $relative.SizeBytes | Should -Be 10
            ($relative | Test-StacAssetLock).Valid | Should -BeTrue
        }
        finally {
            Pop-Location
        }
        $absolute = $item | New-StacAssetLock -BaseDirectory $badDir
        $absolute.Key | Should -Be $goodFile
        ($absolute | Test-StacAssetLock).Valid | Should -BeTrue
    }

    It 'reports an unsupported href as a per-asset error and locks the other assets' {
        $item = New-TestItem -Id 'mixed' -Assets ([ordered]@{ good = $goodFile; bad = 'ftp://example.org/x.bin' })
        $entries = @($item | New-StacAssetLock -ErrorVariable lockErrors -ErrorAction SilentlyContinue)
        $entries.AssetKey | Should -Be @('good')
        $lockErrors.Count | Should -Be 1
        $lockErrors[0].FullyQualifiedErrorId | Should -BeLike 'UnsupportedAssetHref*'
    }
}

Describe 'Locks written by the Python stacpkg' {
    BeforeAll {
        $script:seedDir = New-TempDirectory 'seedlock'
        $script:seedNginx = Start-TestNginx
        $web = $seedNginx.Root
        if ($web) {
            New-Item -ItemType Directory -Path (Join-Path $web 'dir') | Out-Null
            [IO.File]::WriteAllBytes((Join-Path $web 'dir/a.bin'), [byte[]](1..20))
            [IO.File]::WriteAllBytes((Join-Path $web 'dir/b.bin'), [byte[]](1..30))
            & touch -d '2024-05-01 10:00:00 UTC' (Join-Path $web 'dir/a.bin') (Join-Path $web 'dir/b.bin')
        }
        # Local files with a sub-second modification time, as file systems keep them.
        $script:seedFiles = foreach ($name in 'c.bin', 'd.bin') {
            $path = Join-Path $seedDir $name
            [IO.File]::WriteAllBytes($path, [byte[]](1..40))
            & touch -d '2024-05-01 10:00:00.123456789 UTC' $path
            $path
        }
    }
    AfterAll {
        Stop-TestServer $seedNginx
        Remove-Item -LiteralPath $seedDir -Recurse -Force -ErrorAction SilentlyContinue
    }

    It 'validates its rows (a whole URL with a query as container, obstore file ETags) while unchanged, writes the same last_modified text, and sees a change' {
        Skip-WithoutServer $seedNginx 'nginx'
        $base = $seedNginx.BaseUrl
        $etagOf = { param($url) (Invoke-WebRequest -Method Head -Uri $url).Headers.ETag[0] }
        $etagA = & $etagOf "$base/dir/a.bin"
        $etagB = & $etagOf "$base/dir/b.bin"
        # obstore's local ETag: inode, mtime in µs since the epoch, size, in hex.
        $obstore = foreach ($path in $seedFiles) {
            $inode = [long](& stat -c '%i' $path)
            '{0:x}-{1:x}-{2:x}' -f $inode, 1714557600123456L, 40
        }
        # The Python stacpkg's lock: our columns without file_checksum, no schema metadata, last_modified from isoformat().
        $seedLock = Join-Path $seedDir 'seed.lock.parquet'
        $sql = @"
COPY (SELECT * FROM (VALUES
  ('i1', 'query', 'http', '$base/dir/a.bin?collection=c1&item=i1', NULL::VARCHAR, '', 20::BIGINT, '$($etagA.Replace("'", "''"))', '2024-05-01T10:00:00+00:00'),
  ('i1', 'plain', 'http', '$base', NULL, 'dir/b.bin', 30::BIGINT, '$($etagB.Replace("'", "''"))', '2024-05-01T10:00:00+00:00'),
  ('i2', 'c', 'file', NULL, NULL, '$($seedFiles[0])', 40::BIGINT, '$($obstore[0])', '2024-05-01T10:00:00.123456+00:00'),
  ('i2', 'd', 'file', NULL, NULL, '$($seedFiles[1])', 40::BIGINT, '$($obstore[1])', '2024-05-01T10:00:00.123456+00:00')
) t(item_id, asset_key, store_type, store_container, store_endpoint_url, key, size_bytes, etag, last_modified))
TO '$seedLock' (FORMAT parquet)
"@
        & node (Join-Path $RepoRoot 'tests/duckdb/query.mjs') $sql | Out-Null
        if ($LASTEXITCODE -eq 3) { Skip-WithoutServer $null 'DuckDB (npm @duckdb/node-api)' }
        $LASTEXITCODE | Should -Be 0

        $rows = @(Import-StacAssetLock -LiteralPath $seedLock)
        ($rows | Where-Object AssetKey -EQ 'query').Href | Should -Be "$base/dir/a.bin?collection=c1&item=i1"
        $results = @($rows | Test-StacAssetLock -ErrorVariable testErrors -ErrorAction SilentlyContinue)
        $results.Count | Should -Be 4
        $results | Where-Object { -not $_.Valid } | ForEach-Object { "$($_.ItemId)/$($_.AssetKey): $($_.Reasons -join '; ')" } | Should -BeNullOrEmpty
        $testErrors.Count | Should -Be 0
        # The query reached the server as written, not escaped into the path.
        Get-Content -LiteralPath (Join-Path $seedNginx.Dir 'access.log') -Raw | Should -Match ([regex]::Escape('HEAD /dir/a.bin?collection=c1&item=i1 '))

        # Our lock of the same objects says last_modified in the same words.
        $item1 = New-TestItem -Id 'i1' -Assets ([ordered]@{ query = "$base/dir/a.bin?collection=c1&item=i1"; plain = "$base/dir/b.bin" })
        $item2 = New-TestItem -Id 'i2' -Assets ([ordered]@{ c = $seedFiles[0]; d = $seedFiles[1] })
        $ours = @($item1, $item2 | New-StacAssetLock -WarningAction SilentlyContinue)
        foreach ($row in $rows) {
            ($ours | Where-Object { $_.ItemId -eq $row.ItemId -and $_.AssetKey -eq $row.AssetKey }).LastModified | Should -BeExactly $row.LastModified
        }

        # A rewrite with the same size, a microsecond later: the obstore ETag says the file changed.
        & touch -d '2024-05-01 10:00:00.123457 UTC' $seedFiles[1]
        $after = @($rows | Test-StacAssetLock -ErrorAction SilentlyContinue)
        ($after | Where-Object { -not $_.Valid }).AssetKey | Should -Be @('d')
        ($after | Where-Object AssetKey -EQ 'd').Reasons -join '; ' | Should -Match 'inode-mtime-size'
    }
}

Describe 'Secrets never leave the href' {
    BeforeAll {
        $script:secretNginx = Start-TestNginx
        $script:secret = 'SECRETSIGNATURE0123456789abcdef'
    }
    AfterAll { Stop-TestServer $secretNginx }

    It 'drops a SAS sig= and an X-Amz-Signature with a warning that does not repeat them, and writes none into the lock' {
        Skip-WithoutServer $secretNginx 'nginx'
        [IO.File]::WriteAllBytes((Join-Path $secretNginx.Root 'signed.bin'), [byte[]](1..5))
        $item = New-TestItem -Id 'signed' -Assets ([ordered]@{
                sas     = "$($secretNginx.BaseUrl)/signed.bin?sv=2022-11-02&se=2030-01-01&sp=r&sig=$secret"
                presign = "$($secretNginx.BaseUrl)/signed.bin?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Signature=$secret"
                gone    = "http://127.0.0.1:$(Get-FreeTcpPort)/gone.bin?sig=$secret"
                azure   = "https://devstoreaccount1.blob.core.windows.net/c/k.bin?sv=2022-11-02&sig=$secret"
            })
        $entries = @($item | New-StacAssetLock -NoProbe -WarningVariable warnings -WarningAction SilentlyContinue)
        # One warning for the run, with the count, not one per asset.
        $warnings.Count | Should -Be 1
        "$($warnings[0])" | Should -Match 'from 4 hrefs of 1 Items'
        $lockPath = Join-Path $secretNginx.Dir 'signed.lock.parquet'
        $entries | Export-StacAssetLock -Path $lockPath
        # Probed too, so store errors are checked for the secret; not the Azure host, which is not on
        # loopback (the SDK would spend its retries on DNS).
        $local = New-TestItem -Id 'signed-local' -Assets ([ordered]@{ sas = $item.Assets['sas'].Href; gone = $item.Assets['gone'].Href })
        $probed = @($local | New-StacAssetLock -WarningAction SilentlyContinue -ErrorVariable probeErrors -ErrorAction SilentlyContinue)
        $tested = @($entries | Where-Object AssetKey -NE 'azure' | Test-StacAssetLock -ErrorVariable testErrors -ErrorAction SilentlyContinue)

        $texts = @(
            [Text.Encoding]::UTF8.GetString([IO.File]::ReadAllBytes($lockPath))
            $warnings | ForEach-Object { "$_" }
            $probeErrors + $testErrors | ForEach-Object { "$_"; $_.Exception.ToString(); "$($_.TargetObject)" }
            $entries + $probed | ForEach-Object { $_.Href; $_.Key; $_.StoreContainer }
            $tested | ForEach-Object { $_.Reasons }
            Import-StacAssetLock -LiteralPath $lockPath | Format-Table | Out-String
        )
        $probeErrors.Count | Should -Be 1 -Because 'the closed port fails, and its error is checked for the secret too'
        $texts -join "`n" | Should -Not -Match $secret
        ($entries | Where-Object AssetKey -EQ 'sas').Href | Should -Be "$($secretNginx.BaseUrl)/signed.bin"
    }
}

Describe 'Export and Import' {
    BeforeAll {
        $script:roundDir = New-TempDirectory 'roundtrip'
        # The module keeps Core in its own load context, where a type literal in a script cannot
        # reach it: the type comes from the cmdlet that outputs it.
        $entryType = (Get-Command Import-StacAssetLock).OutputType[0].Type
        $script:entries = foreach ($i in 1..3) {
            $fields = @{
                ItemId = "item-$i"; AssetKey = 'data'; StoreType = 's3'; StoreContainer = 'bucket'; StoreEndpointUrl = 'http://127.0.0.1:9000'
                Key = "dir/ä +%$i.tif"; SizeBytes = 512MB + $i; ETag = "`"abc-$i`""; LastModified = '2024-01-02T03:04:05Z'
                FileChecksum = '1220' + ('0' * 63) + $i
            }
            $entry = $entryType::new()
            foreach ($field in $fields.GetEnumerator()) { $entry.($field.Key) = $field.Value }
            $entry
        }
    }
    AfterAll { Remove-Item -LiteralPath $roundDir -Recurse -Force -ErrorAction SilentlyContinue }

    It 'round-trips every field' {
        $path = Join-Path $roundDir 'round.lock.parquet'
        $file = $entries | Export-StacAssetLock -Path $path -PassThru
        $file | Should -BeOfType ([IO.FileInfo])
        $file.FullName | Should -Be $path
        $back = @(Import-StacAssetLock -Path $path)
        $back.Count | Should -Be 3
        foreach ($name in 'ItemId', 'AssetKey', 'StoreType', 'StoreContainer', 'StoreEndpointUrl', 'Key', 'SizeBytes', 'ETag', 'LastModified', 'FileChecksum') {
            $back.$name | Should -Be $entries.$name -Because $name
        }
        # A package directory stands for its lock.
        Copy-Item -LiteralPath $path -Destination (Join-Path $roundDir 'assets.lock.parquet')
        @(Import-StacAssetLock -LiteralPath $roundDir).Count | Should -Be 3
    }

    It 'refuses a duplicate row with an error and leaves no file' {
        $path = Join-Path $roundDir 'dup.lock.parquet'
        { @($entries; $entries[0]) | Export-StacAssetLock -Path $path } | Should -Throw -ErrorId 'AssetLockRowRefused*'
        Test-Path -LiteralPath $path | Should -BeFalse
    }

    It 'keeps the previous lock when an export is refused' {
        $path = Join-Path $roundDir 'keep.lock.parquet'
        $entries | Export-StacAssetLock -Path $path
        $before = [IO.File]::ReadAllBytes($path)
        { @($entries; $entries[0]) | Export-StacAssetLock -Path $path } | Should -Throw
        [IO.File]::ReadAllBytes($path) | Should -Be $before
    }

    It 'writes nothing under -WhatIf' {
        $path = Join-Path $roundDir 'whatif.lock.parquet'
        $entries | Export-StacAssetLock -Path $path -WhatIf
        Test-Path -LiteralPath $path | Should -BeFalse
    }

    It 'writes an empty lock from empty input' {
        $path = Join-Path $roundDir 'empty.lock.parquet'
        @() | Export-StacAssetLock -Path $path
        Test-Path -LiteralPath $path | Should -BeTrue
        @(Import-StacAssetLock -Path $path).Count | Should -Be 0
    }

    It 'declares output types and shows the table views' {
        (Get-Command New-StacAssetLock).OutputType.Name | Should -Contain 'StacPkg.Core.Lock.AssetLockEntry'
        (Get-Command Import-StacAssetLock).OutputType.Name | Should -Contain 'StacPkg.Core.Lock.AssetLockEntry'
        (Get-Command Test-StacAssetLock).OutputType.Name | Should -Contain 'StacPkg.Core.Lock.AssetValidationResult'
        (Get-Command Test-StacAssetLock).OutputType.Name | Should -Contain 'System.Boolean'
        $table = $entries | Format-Table | Out-String -Width 200
        $table | Should -Match 'ItemId\s+AssetKey\s+StoreType\s+Href\s+SizeBytes\s+ETag'
        $table | Should -Match 's3://bucket/'
    }

    It 'completes -AssetKey' {
        $completion = TabExpansion2 -inputScript 'New-StacAssetLock -AssetKey thu' -cursorColumn 'New-StacAssetLock -AssetKey thu'.Length
        $completion.CompletionMatches.CompletionText | Should -Contain 'thumbnail'
    }
}

Describe 'Exit codes of pwsh -c' {
    BeforeAll {
        $script:exitDir = New-TempDirectory 'exit'
        $file = Join-Path $exitDir 'a.bin'
        [IO.File]::WriteAllBytes($file, [byte[]](1..8))
        $script:exitLock = Join-Path $exitDir 'a.lock.parquet'
        New-TestItem -Id 'exit' -Assets @{ data = $file } | New-StacAssetLock | Export-StacAssetLock -Path $exitLock
        $script:exitFile = $file
    }
    AfterAll { Remove-Item -LiteralPath $exitDir -Recurse -Force -ErrorAction SilentlyContinue }

    It 'exits 0 when every asset matches and non-zero after one changes' {
        $script = "Import-Module '$ModulePath'; Import-StacAssetLock -LiteralPath '$exitLock' | Test-StacAssetLock"
        $ok = Invoke-ChildPwsh $script
        $ok.ExitCode | Should -Be 0 -Because ($ok.Output -join "`n")
        [IO.File]::WriteAllBytes($exitFile, [byte[]](1..9))
        $bad = Invoke-ChildPwsh $script
        $bad.ExitCode | Should -Not -Be 0
        ($bad.Output -join "`n") | Should -Match 'size'
    }
}
