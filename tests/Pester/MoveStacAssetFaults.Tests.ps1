# Move-StacAsset against faults: 200 objects served by nginx through a proxy (fault-proxy.mjs) that
# resets connections, answers 503, cuts bodies short of their Content-Length and stalls past the
# client's timeout for 10% of the requests; every row must still arrive at s3rver, verified, with
# nothing corrupt and nothing extra.

BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    . (Join-Path $PSScriptRoot 'TestServers.ps1')
    . (Join-Path $PSScriptRoot 'MoveStacAssetHelpers.ps1')
    Import-Module $ModulePath -Force
}

AfterAll {
    Restore-TestEnvironment
}

Describe 'Move-StacAsset through a proxy injecting resets, 503s, truncated bodies and stalls at a 10% rate' {
    BeforeAll {
        $script:nginx = Start-TestNginx
        $script:s3 = Start-TestS3rver -Bucket 'dst'
        # Stalls are held for 3 s; the run's -OperationTimeoutSeconds 1 gives up on them after 1 s.
        $script:proxy = if ($nginx) { Start-TestFaultProxy -Upstream $nginx.BaseUrl -Rate 0 -StallMilliseconds 3000 }
        if (-not ($nginx -and $s3 -and $proxy)) { return }
        Set-TestEnvironment ($s3.Environment + @{ AWS_ENDPOINT_URL = $s3.EndpointUrl })

        # 200 objects in 20 Items: 196 of 1 to 64 KiB, and 4 of 6 MiB, which go up as multipart uploads
        # of 5 MiB parts, so a fault mid-body also hits an upload in progress.
        $set = New-TestSourceItems -Root $nginx.Root -Folder 'faults' -BaseUrl $proxy.BaseUrl -ItemCount 20 -LargeEvery 50 -LargeAt 7 -Seed 20
        $script:sources = $set.Sources
        $items = $set.Items
        # Locked through the proxy while it is still faultless, as the lock a user made earlier.
        $script:lock = @($items | New-StacAssetLock)
        $null = Get-TestFaultProxyCount $proxy -Rate 0.1
        $before = Get-TestFaultProxyCount $proxy

        $script:run = Invoke-CountedMove -Lock $lock -Parameters @{
            Destination = 's3://dst/faults'; ChunkSize = 5MB; MemoryLimit = 64MB; ThrottleLimit = 8; OperationTimeoutSeconds = 1
        }
        $after = Get-TestFaultProxyCount $proxy
        $script:requests = $after.requests - $before.requests
        $script:faults = $after.faults
        Write-Host "fault proxy: $requests requests, faults $($faults | ConvertTo-Json -Compress)"
    }

    AfterAll {
        Stop-TestServer $proxy, $nginx, $s3
    }

    It 'injected every kind of fault, at about the chosen rate' {
        Skip-WithoutServer $nginx 'nginx'; Skip-WithoutServer $s3 's3rver'; Skip-WithoutServer $proxy 'fault proxy'
        $faults.reset | Should -BeGreaterThan 0
        $faults.status503 | Should -BeGreaterThan 0
        $faults.truncate | Should -BeGreaterThan 0
        $faults.stall | Should -BeGreaterThan 0
        $total = $faults.reset + $faults.status503 + $faults.truncate + $faults.stall
        # At least one GET per object went through the proxy (its headers carry the facts), plus a retry per fault.
        $requests | Should -BeGreaterOrEqual (200 + $total)
        ($total / $requests) | Should -BeGreaterThan 0.05
        ($total / $requests) | Should -BeLessThan 0.15
    }

    It 'copied all 200 rows without an error, each with the size and checksum of its source' {
        Skip-WithoutServer $nginx 'nginx'; Skip-WithoutServer $s3 's3rver'; Skip-WithoutServer $proxy 'fault proxy'
        $run.Errors | ForEach-Object { "$_" } | Should -BeNullOrEmpty
        $run.Rows.Count | Should -Be 200
        $run.Copied | Should -Be 200
        foreach ($row in $run.Rows) {
            $source = $sources["$($row.ItemId)/$($row.AssetKey)"]
            $row.StoreType | Should -Be 's3'
            $row.SizeBytes | Should -Be $source.Size
            $row.FileChecksum | Should -Be $source.Checksum
        }
    }

    It 'the new lock validates with Test-StacAssetLock -Checksum' {
        Skip-WithoutServer $nginx 'nginx'; Skip-WithoutServer $s3 's3rver'; Skip-WithoutServer $proxy 'fault proxy'
        $results = @($run.Rows | Test-StacAssetLock -Checksum -ThrottleLimit 8 -ErrorVariable testErrors)
        $testErrors.Count | Should -Be 0
        $results.Count | Should -Be 200
        @($results | Where-Object { -not $_.Valid }).Count | Should -Be 0
    }

    It 'the bucket holds exactly the 200 objects at their full sizes: nothing partial, nothing extra' {
        Skip-WithoutServer $nginx 'nginx'; Skip-WithoutServer $s3 's3rver'; Skip-WithoutServer $proxy 'fault proxy'
        $listed = @(Get-TestS3Listing -Server $s3 -Bucket dst -Prefix 'faults/')
        $listed.Count | Should -Be 200
        foreach ($object in $listed) {
            $key = [regex]::Match($object.Key, '^faults/(item-\d+)/(o\d{3})\.bin$')
            $key.Success | Should -BeTrue
            $object.Size | Should -Be $sources["$($key.Groups[1].Value)/$($key.Groups[2].Value)"].Size
        }
    }
}
