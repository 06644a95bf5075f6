# Move-StacAsset against corrupted bytes: the sources arrive whole, with the status, headers and
# length nginx gave, but a share of the GETs has one byte flipped mid-body (fault-proxy.mjs
# -CorruptRate). Only the hash can tell. For each store pair (http to a folder, to s3rver, to
# Azurite) every row must still arrive as the locked bytes, retried after the hash caught the flip,
# and a source that never gives the locked bytes must leave nothing at its target.

BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    . (Join-Path $PSScriptRoot 'TestServers.ps1')
    . (Join-Path $PSScriptRoot 'MoveStacAssetHelpers.ps1')
    Import-Module $ModulePath -Force
}

AfterAll {
    Restore-TestEnvironment
}

Describe 'Move-StacAsset with a byte flipped mid-stream in <Pair>' -ForEach @(
    @{ Pair = 'http to a folder'; To = 'file' }
    @{ Pair = 'http to s3rver'; To = 's3' }
    @{ Pair = 'http to Azurite'; To = 'az' }
) {
    BeforeAll {
        $script:nginx = Start-TestNginx
        $script:target = switch ($To) {
            'file' { [pscustomobject]@{ Name = 'folder'; Root = New-TempDirectory 'corrupt'; Dir = $null; Process = $null } }
            's3' { Start-TestS3rver -Bucket 'dst' }
            'az' { Start-TestAzurite -Container 'dst' }
        }
        # Retries come from the proxy's rule that a path is never corrupted more than twice in a row.
        $script:proxy = if ($nginx) { Start-TestFaultProxy -Upstream $nginx.BaseUrl -Rate 0 -CorruptRate 0 -MaxConsecutive 2 }
        if (-not ($nginx -and $target -and $proxy)) { return }
        switch ($To) {
            's3' { Set-TestEnvironment ($target.Environment + @{ AWS_ENDPOINT_URL = $target.EndpointUrl }) }
            'az' { Set-TestEnvironment @{ AZURE_STORAGE_CONNECTION_STRING = $target.ConnectionString } }
        }
        $script:destination = switch ($To) {
            'file' { Join-Path $target.Root 'dst' }
            's3' { 's3://dst/corrupt' }
            'az' { 'az://dst/corrupt' }
        }

        # 40 objects in 4 Items: 38 of 1 to 64 KiB and 2 of 6 MiB, which go up in 5 MiB parts or
        # blocks, so a flip in the first part is only known once the second has been read.
        $set = New-TestSourceItems -Root $nginx.Root -Folder "corrupt-$To" -BaseUrl $proxy.BaseUrl -ItemCount 4 -LargeEvery 20 -LargeAt 3 -Seed 40
        $script:sources = $set.Sources
        $items = $set.Items
        # Locked while the proxy still passes every byte, as a user's earlier lock.
        $script:lock = @($items | New-StacAssetLock)
        $before = Get-TestFaultProxyCount $proxy -CorruptRate 0.3
        $script:run = Invoke-CountedMove -Lock $lock -Parameters @{ Destination = $destination; ChunkSize = 5MB; MemoryLimit = 64MB; ThrottleLimit = 8 }
        $after = Get-TestFaultProxyCount $proxy -CorruptRate 0
        $script:corrupted = $after.faults.corrupt - $before.faults.corrupt
        Write-Host "fault proxy: $corrupted of $($after.requests - $before.requests) responses corrupted"

        # Every object under a destination, as key and size.
        $script:listTarget = {
            param([string] $Under)
            switch ($To) {
                'file' { Get-ChildItem -LiteralPath $Under -Recurse -File -Force -ErrorAction Ignore | ForEach-Object { [pscustomobject]@{ Key = $_.FullName; Size = $_.Length } } }
                's3' { Get-TestS3Listing -Server $target -Bucket dst -Prefix "$($Under.Substring('s3://dst/'.Length))/" }
                'az' { Get-TestAzListing -Server $target -Container dst -Prefix "$($Under.Substring('az://dst/'.Length))/" }
            }
        }
    }

    AfterAll {
        if ($To -eq 'file' -and $target) { Remove-Item -LiteralPath $target.Root -Recurse -Force -ErrorAction SilentlyContinue }
        Stop-TestServer $proxy, $nginx, $(if ($To -ne 'file') { $target })
    }

    It 'flipped bytes in several responses, which no header showed' {
        Skip-WithoutServer $nginx 'nginx'; Skip-WithoutServer $target $To; Skip-WithoutServer $proxy 'fault proxy'
        $corrupted | Should -BeGreaterThan 3
    }

    It 'copied all 40 rows without an error, each with the locked size and checksum' {
        Skip-WithoutServer $nginx 'nginx'; Skip-WithoutServer $target $To; Skip-WithoutServer $proxy 'fault proxy'
        $run.Errors | ForEach-Object { "$_" } | Should -BeNullOrEmpty
        $run.Rows.Count | Should -Be 40
        $run.Copied | Should -Be 40
        foreach ($row in $run.Rows) {
            $source = $sources["$($row.ItemId)/$($row.AssetKey)"]
            $row.StoreType | Should -Be $To
            $row.SizeBytes | Should -Be $source.Size
            $row.FileChecksum | Should -Be $source.Checksum
        }
    }

    It 'the target holds exactly the 40 objects, each the locked bytes (Test-StacAssetLock -Checksum)' {
        Skip-WithoutServer $nginx 'nginx'; Skip-WithoutServer $target $To; Skip-WithoutServer $proxy 'fault proxy'
        @(& $listTarget $destination).Count | Should -Be 40
        $results = @($run.Rows | Test-StacAssetLock -Checksum -ThrottleLimit 8 -ErrorVariable testErrors)
        $testErrors.Count | Should -Be 0
        @($results | Where-Object { -not $_.Valid }).Count | Should -Be 0
    }

    It 'a source whose every read is corrupted fails its row by the checksum and leaves nothing at the target' {
        Skip-WithoutServer $nginx 'nginx'; Skip-WithoutServer $target $To; Skip-WithoutServer $proxy 'fault proxy'
        $always = Start-TestFaultProxy -Upstream $nginx.BaseUrl -Rate 0 -CorruptRate 0 -MaxConsecutive 1000
        try {
            $bad = @($lock | Where-Object { $_.ItemId -eq 'item-0' -and $_.AssetKey -in 'o000', 'o003' } | ForEach-Object {
                    $row = $_.Clone()
                    $row.StoreContainer = $always.BaseUrl # an http row's container is its origin
                    $row
                })
            $null = Get-TestFaultProxyCount $always -CorruptRate 1
            $failed = Invoke-CountedMove -Lock $bad -Parameters @{ Destination = "$destination-bad"; ChunkSize = 5MB; MemoryLimit = 64MB }
            $failed.Rows.Count | Should -Be 0
            $failed.Errors.Count | Should -Be 2
            foreach ($e in $failed.Errors) { "$e" | Should -Match 'copied content checksum 1220[0-9a-f]+… != locked 1220[0-9a-f]+…' }
        }
        finally {
            Stop-TestServer $always
        }
        @(& $listTarget "$destination-bad").Count | Should -Be 0 -Because 'not even a temporary file or a part may stay'
        if ($To -eq 'file') {
            Test-Path -LiteralPath "$destination-bad/item-0" | Should -BeFalse -Because 'a folder made for a write that failed goes with it'
        }
    }
}
