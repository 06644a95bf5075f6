# Sharded runs as an engine runs them: four pwsh processes side by side, each relocating its shard of
# one lock (-ShardIndex/-ShardCount, or the Azure Pipelines / Kubernetes variables), then
# Merge-StacAssetLock; the merged lock must equal a single-process run of the same relocation.

BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    . (Join-Path $PSScriptRoot 'TestServers.ps1')
    Import-Module $ModulePath -Force

    $script:nginx = Start-TestNginx
    $script:s3 = Start-TestS3rver -Bucket 'dst'
    $script:root = (New-Item -ItemType Directory -Path (Join-Path ([IO.Path]::GetTempPath()) "stacpkg-shard-$([guid]::NewGuid().ToString('N').Substring(0, 8))")).FullName
    $script:ready = $nginx -and $s3
    if (-not $ready) { return }

    # 25 Items × 3 assets, served by nginx.
    $null = New-Item -ItemType Directory -Path (Join-Path $nginx.Root 'shard')
    $rng = [Random]::new(11)
    $lines = foreach ($i in 1..25) {
        $assets = [ordered]@{}
        foreach ($key in 'visual', 'B04', 'thumbnail') {
            $bytes = [byte[]]::new(500 + $rng.Next(4000))
            $rng.NextBytes($bytes)
            [IO.File]::WriteAllBytes((Join-Path $nginx.Root "shard/$i-$key.bin"), $bytes)
            $assets[$key] = @{ href = "$($nginx.BaseUrl)/shard/$i-$key.bin" }
        }
        @{ type = 'Feature'; stac_version = '1.0.0'; id = "scene-$i"; geometry = $null; links = @()
           properties = @{ datetime = '2024-05-01T00:00:00Z' }; assets = $assets } | ConvertTo-Json -Depth 5 -Compress
    }
    $script:lockPath = Join-Path $root 'source.lock.parquet'
    $lines | ConvertFrom-StacJson | New-StacAssetLock | Export-StacAssetLock $lockPath
    $script:reference = @(Import-StacAssetLock $lockPath)

    $script:s3Environment = $s3.Environment + @{ AWS_ENDPOINT_URL = $s3.EndpointUrl }
    $saved = @{}
    foreach ($name in $s3Environment.Keys) { $saved[$name] = [Environment]::GetEnvironmentVariable($name); [Environment]::SetEnvironmentVariable($name, $s3Environment[$name]) }
    $script:savedEnvironment = $saved

    # The single-process run of the same relocation.
    $script:singlePath = Join-Path $root 'single.lock.parquet'
    Import-StacAssetLock $lockPath | Move-StacAsset -Destination 's3://dst/single' -ThrottleLimit 4 | Export-StacAssetLock $singlePath

    # Four shards at once, as four jobs of an engine would run them: two by parameters, one by
    # the Azure Pipelines variables (1-based position), one by a Kubernetes completion index.
    $shardRuns = @(
        @{ Arguments = '-ShardIndex 0 -ShardCount 4'; Environment = @{} }
        @{ Arguments = '-ShardIndex 1 -ShardCount 4'; Environment = @{} }
        @{ Arguments = ''; Environment = @{ SYSTEM_JOBPOSITIONINPHASE = '3'; SYSTEM_TOTALJOBSINPHASE = '4' } }
        @{ Arguments = '-ShardCount 4'; Environment = @{ JOB_COMPLETION_INDEX = '3' } }
    )
    $children = for ($i = 0; $i -lt 4; $i++) {
        $out = Join-Path $root "shard-$i.lock.parquet"
        $script = @"
`$ErrorActionPreference = 'Stop'
Import-Module '$ModulePath'
Import-StacAssetLock '$lockPath' | Move-StacAsset -Destination 's3://dst/sharded' -ThrottleLimit 4 $($shardRuns[$i].Arguments) |
    Export-StacAssetLock '$out'
"@
        Start-ChildPwsh -Script $script -Environment ($s3Environment + $shardRuns[$i].Environment)
    }
    $script:shardResults = @($children | ForEach-Object { Wait-ChildPwsh $_ })
    $script:shardPaths = @(0..3 | ForEach-Object { Join-Path $root "shard-$_.lock.parquet" })
}

AfterAll {
    if ($savedEnvironment) { foreach ($name in $savedEnvironment.Keys) { [Environment]::SetEnvironmentVariable($name, $savedEnvironment[$name]) } }
    Stop-TestServer $nginx, $s3
    Remove-Item -LiteralPath $root -Recurse -Force -ErrorAction SilentlyContinue
}

Describe 'A relocation split into 4 shards run as 4 concurrent processes' {
    It 'every shard process succeeds and writes its own lock' {
        Skip-WithoutServer $nginx 'nginx'; Skip-WithoutServer $s3 's3rver'
        for ($i = 0; $i -lt 4; $i++) {
            $shardResults[$i].ExitCode | Should -Be 0 -Because ($shardResults[$i].Output -join "`n")
            $shardPaths[$i] | Should -Exist
        }
    }

    It 'the shard locks partition the lock: every row in exactly one, by the documented hash' {
        Skip-WithoutServer $nginx 'nginx'; Skip-WithoutServer $s3 's3rver'
        $rows = @($shardPaths | ForEach-Object { Import-StacAssetLock $_ })
        $rows.Count | Should -Be $reference.Count
        @($rows | ForEach-Object { "$($_.ItemId)/$($_.AssetKey)" } | Sort-Object -Unique).Count | Should -Be $reference.Count
        # Each shard is a real share of the work, not all of it in one process.
        foreach ($path in $shardPaths) { @(Import-StacAssetLock $path).Count | Should -BeLessThan $reference.Count }
    }

    It 'the merged lock equals the single-process run, row for row, and validates with -Checksum' {
        Skip-WithoutServer $nginx 'nginx'; Skip-WithoutServer $s3 's3rver'
        $merged = Join-Path $root 'merged.lock.parquet'
        $file = Merge-StacAssetLock -Path (Join-Path $root 'shard-*.lock.parquet') -DestinationPath $merged -Reference $lockPath -PassThru
        $file.FullName | Should -Be $merged

        # The single run's rows come in completion order; merged alone with the same reference, it is in the reference's order too.
        $singleOrdered = Join-Path $root 'single-ordered.lock.parquet'
        Merge-StacAssetLock -Path $singlePath -DestinationPath $singleOrdered -Reference $lockPath
        $a = @(Import-StacAssetLock $merged)
        $b = @(Import-StacAssetLock $singleOrdered)
        $a.Count | Should -Be $reference.Count
        $b.Count | Should -Be $reference.Count
        for ($i = 0; $i -lt $a.Count; $i++) {
            # The copies are separate objects: the key differs by the destination prefix, and each
            # copy has its own ETag and Last-Modified; every other fact is the same.
            $a[$i].ItemId | Should -Be $reference[$i].ItemId
            $a[$i].AssetKey | Should -Be $reference[$i].AssetKey
            ($a[$i].ItemId, $a[$i].AssetKey, $a[$i].StoreType, $a[$i].StoreContainer, $a[$i].StoreEndpointUrl, ($a[$i].Key -replace '^sharded/', ''), $a[$i].SizeBytes, $a[$i].FileChecksum) -join '|' |
                Should -Be (($b[$i].ItemId, $b[$i].AssetKey, $b[$i].StoreType, $b[$i].StoreContainer, $b[$i].StoreEndpointUrl, ($b[$i].Key -replace '^single/', ''), $b[$i].SizeBytes, $b[$i].FileChecksum) -join '|')
        }
        $results = @(Import-StacAssetLock $merged | Test-StacAssetLock -Checksum -ErrorVariable invalid)
        $invalid.Count | Should -Be 0
        $results.Count | Should -Be $reference.Count
    }

    It 'a missing shard is reported row by row and no merged lock is written' {
        Skip-WithoutServer $nginx 'nginx'; Skip-WithoutServer $s3 's3rver'
        $target = Join-Path $root 'incomplete.lock.parquet'
        Merge-StacAssetLock -Path $shardPaths[0..2] -DestinationPath $target -Reference $lockPath -ErrorVariable mergeErrors -ErrorAction SilentlyContinue
        $target | Should -Not -Exist
        $missing = @($mergeErrors | Where-Object { $_.FullyQualifiedErrorId -like 'AssetLockRowMissing*' })
        $missing.Count | Should -Be @(Import-StacAssetLock $shardPaths[3]).Count
        $missing[0].Exception.Message | Should -Match 'in no shard lock'
        @($mergeErrors | Where-Object { $_.FullyQualifiedErrorId -like 'AssetLockMergeIncomplete*' }).Count | Should -Be 1
    }

    It 'a shard lock given twice is refused, naming the file' {
        Skip-WithoutServer $nginx 'nginx'; Skip-WithoutServer $s3 's3rver'
        $target = Join-Path $root 'twice.lock.parquet'
        { Merge-StacAssetLock -LiteralPath $shardPaths[0], $shardPaths[1], $shardPaths[0] -DestinationPath $target -ErrorAction Stop } |
            Should -Throw "*shard-0.lock.parquet*also in*"
        $target | Should -Not -Exist
    }
}

Describe 'Test-StacAssetLock in shards' {
    It 'four shards check every row exactly once' {
        Skip-WithoutServer $nginx 'nginx'; Skip-WithoutServer $s3 's3rver'
        $checked = foreach ($i in 0..3) { Import-StacAssetLock $lockPath | Test-StacAssetLock -ShardIndex $i -ShardCount 4 }
        @($checked).Count | Should -Be $reference.Count
        @($checked | Where-Object Valid).Count | Should -Be $reference.Count
        @($checked | ForEach-Object { "$($_.Entry.ItemId)/$($_.Entry.AssetKey)" } | Sort-Object -Unique).Count | Should -Be $reference.Count
    }

    It 'takes the shard from the Azure Pipelines variables and says so' {
        Skip-WithoutServer $nginx 'nginx'; Skip-WithoutServer $s3 's3rver'
        $result = Invoke-ChildPwsh @"
`$env:SYSTEM_JOBPOSITIONINPHASE = '2'; `$env:SYSTEM_TOTALJOBSINPHASE = '4'
Import-Module '$ModulePath'
`$n = @(Import-StacAssetLock '$lockPath' | Test-StacAssetLock -WarningVariable w -WarningAction SilentlyContinue).Count
"rows=`$n"; "warning=`$w"
`$all = @(Import-StacAssetLock '$lockPath' | Test-StacAssetLock -ShardCount 1).Count
"all=`$all"
"@
        $result.ExitCode | Should -Be 0 -Because ($result.Output -join "`n")
        $expected = @(Import-StacAssetLock $lockPath | Test-StacAssetLock -ShardIndex 1 -ShardCount 4).Count
        $result.Output | Should -Contain "rows=$expected"
        ($result.Output | Where-Object { $_ -like 'warning=*' }) | Should -Match 'shard 1 of 4.*SYSTEM_JOBPOSITIONINPHASE.*-ShardCount 1'
        $result.Output | Should -Contain "all=$($reference.Count)"
    }

    It 'refuses an index without a count' {
        Skip-WithoutServer $nginx 'nginx'; Skip-WithoutServer $s3 's3rver'
        { Import-StacAssetLock $lockPath | Test-StacAssetLock -ShardIndex 2 -ErrorAction Stop } | Should -Throw '*-ShardIndex needs -ShardCount*'
    }
}

Describe 'The sharded relocation examples (examples/azure-pipelines-sharded.yml, examples/kubernetes)' {
    It 'the step scripts relocate in 4 jobs with Azure Pipelines variables and merge to a validated lock' {
        Skip-WithoutServer $nginx 'nginx'; Skip-WithoutServer $s3 's3rver'
        $examples = Join-Path $RepoRoot 'examples/scripts'
        $locks = Join-Path $root 'example-locks'
        # The scripts import the module by name, as from an installed module.
        $modulePath = (Split-Path $ModulePath -Parent) + [IO.Path]::PathSeparator + $env:PSModulePath
        $jobs = foreach ($position in 1..4) {
            Start-ChildPwsh -Script "& '$examples/Invoke-RelocationShard.ps1' -Lock '$lockPath' -Destination 's3://dst/example' -OutDirectory '$locks/job-$position'" `
                -Environment ($s3Environment + @{ PSModulePath = $modulePath; SYSTEM_JOBPOSITIONINPHASE = "$position"; SYSTEM_TOTALJOBSINPHASE = '4' })
        }
        foreach ($job in $jobs) {
            $result = Wait-ChildPwsh $job
            $result.ExitCode | Should -Be 0 -Because ($result.Output -join "`n")
        }
        $merged = Join-Path $root 'example-merged.lock.parquet'
        $merge = Start-ChildPwsh -Script "& '$examples/Merge-RelocationShards.ps1' -Lock '$lockPath' -ShardDirectory '$locks' -OutPath '$merged'" `
            -Environment ($s3Environment + @{ PSModulePath = $modulePath })
        $result = Wait-ChildPwsh $merge
        $result.ExitCode | Should -Be 0 -Because ($result.Output -join "`n")
        $rows = @(Import-StacAssetLock $merged)
        $rows.Count | Should -Be $reference.Count
        ($rows | ForEach-Object { "$($_.ItemId)/$($_.AssetKey)" }) -join ',' | Should -Be (($reference | ForEach-Object { "$($_.ItemId)/$($_.AssetKey)" }) -join ',')
        $rows | ForEach-Object { $_.Key | Should -BeLike 'example/*' }
    }

    It 'the merge step fails when a job did not deliver its shard lock' {
        Skip-WithoutServer $nginx 'nginx'; Skip-WithoutServer $s3 's3rver'
        $examples = Join-Path $RepoRoot 'examples/scripts'
        $partial = Join-Path $root 'example-partial'
        $null = New-Item -ItemType Directory -Path $partial
        Copy-Item (Join-Path $root 'example-locks/job-1/shard-0.lock.parquet'), (Join-Path $root 'example-locks/job-2/shard-1.lock.parquet') $partial
        $modulePath = (Split-Path $ModulePath -Parent) + [IO.Path]::PathSeparator + $env:PSModulePath
        $merged = Join-Path $root 'example-partial.lock.parquet'
        $result = Wait-ChildPwsh (Start-ChildPwsh -Script "& '$examples/Merge-RelocationShards.ps1' -Lock '$lockPath' -ShardDirectory '$partial' -OutPath '$merged'" `
                -Environment ($s3Environment + @{ PSModulePath = $modulePath }))
        $result.ExitCode | Should -Not -Be 0
        ($result.Output -join "`n") | Should -Match 'in no shard lock'
        $merged | Should -Not -Exist
    }
}
