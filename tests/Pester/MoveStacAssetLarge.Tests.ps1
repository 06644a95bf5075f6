# Move-StacAsset with a 1 GiB object and -MemoryLimit 64MB: a multipart upload to s3rver and staged
# blocks to Azurite, each run in its own pwsh process so that its peak resident memory (VmHWM) can be
# read; memory staying bounded is what -MemoryLimit promises, so it is asserted (generously: the
# process itself, PowerShell and the SDKs take their share).

BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    . (Join-Path $PSScriptRoot 'TestServers.ps1')
    . (Join-Path $PSScriptRoot 'MoveStacAssetHelpers.ps1')
    Import-Module $ModulePath -Force
}

AfterAll {
    Restore-TestEnvironment
}

Describe 'Move-StacAsset with a 1 GiB object and -MemoryLimit 64MB' {
    BeforeAll {
        $script:s3 = Start-TestS3rver -Bucket 'dst'
        $script:azurite = Start-TestAzurite -Container 'dst'
        $script:root = New-TempDirectory 'large'
        if (-not ($s3 -and $azurite)) { return }
        Set-TestEnvironment ($s3.Environment + @{ AWS_ENDPOINT_URL = $s3.EndpointUrl; AZURE_STORAGE_CONNECTION_STRING = $azurite.ConnectionString })

        # 1 GiB written a MiB at a time (one random block, each copy stamped with its index so no two
        # MiB are alike), hashed as it is written.
        $script:source = Join-Path $root 'large.bin'
        $script:size = 1GB
        $block = [byte[]]::new(1MB)
        [Random]::new(1).NextBytes($block)
        $hash = [Security.Cryptography.IncrementalHash]::CreateHash([Security.Cryptography.HashAlgorithmName]::SHA256)
        $file = [IO.File]::Create($source)
        try {
            for ($i = 0; $i -lt 1024; $i++) {
                [BitConverter]::GetBytes([long]$i).CopyTo($block, 0)
                $file.Write($block, 0, $block.Length)
                $hash.AppendData($block)
            }
        }
        finally {
            $file.Dispose()
        }
        $script:checksum = '1220' + [Convert]::ToHexString($hash.GetHashAndReset()).ToLowerInvariant()
        $hash.Dispose()
        $script:lockPath = Join-Path $root 'large.lock.parquet'
        New-TestItem -Id 'large' -Assets @{ data = $source } -Checksums @{ data = $checksum } | New-StacAssetLock | Export-StacAssetLock -Path $lockPath
    }

    AfterAll {
        Stop-TestServer $s3, $azurite
        Remove-Item -LiteralPath $root -Recurse -Force -ErrorAction SilentlyContinue
    }

    It 'relocates 1 GiB to <To> (<Upload>) with -MemoryLimit 64MB; the new lock validates with -Checksum and peak RSS stays under 64 MB + 300 MiB' -ForEach @(
        @{ To = 's3'; Upload = 'multipart'; Destination = 's3://dst/large' }
        @{ To = 'az'; Upload = 'staged blocks'; Destination = 'az://dst/large' }
    ) {
        Skip-WithoutServer $s3 's3rver'; Skip-WithoutServer $azurite 'Azurite'
        $newLock = Join-Path $root "large-$To.lock.parquet"
        $child = Invoke-ChildPwsh @"
`$ErrorActionPreference = 'Stop'
Import-Module '$ModulePath'
`$watch = [Diagnostics.Stopwatch]::StartNew()
Import-StacAssetLock -LiteralPath '$lockPath' | Move-StacAsset -Destination '$Destination' -SourceRoot '$root' -MemoryLimit 64MB | Export-StacAssetLock -Path '$newLock'
'SECONDS ' + `$watch.Elapsed.TotalSeconds.ToString('0.0', [Globalization.CultureInfo]::InvariantCulture)
(Get-Content /proc/self/status | Where-Object { `$_ -like 'VmHWM:*' })
"@
        $child.ExitCode | Should -Be 0 -Because ($child.Output -join "`n")
        $peakKiB = [long]([regex]::Match(($child.Output -join "`n"), 'VmHWM:\s+(\d+) kB').Groups[1].Value)
        $seconds = ($child.Output | Where-Object { $_ -like 'SECONDS *' }) -replace 'SECONDS ', ''
        Write-Host "1 GiB file → $To ($Upload), -MemoryLimit 64MB: $seconds s, peak RSS $([math]::Round($peakKiB / 1KB)) MiB"
        $peakKiB | Should -BeGreaterThan 0
        ($peakKiB * 1KB) | Should -BeLessThan (64MB + 300MB)

        $rows = @(Import-StacAssetLock -LiteralPath $newLock)
        $rows.Count | Should -Be 1
        $rows[0].StoreType | Should -Be $To
        $rows[0].SizeBytes | Should -Be $size
        $rows[0].FileChecksum | Should -Be $checksum
        if ($To -eq 'az') {
            # Committed as staged blocks of the chunk size (8 MiB by default). (s3rver stores a completed
            # multipart upload as a plain object with a plain ETag; there the bounded peak shows the
            # object was never buffered whole, which is all a single PutObject could do.)
            $blocks = [xml](Invoke-WebRequest -Uri "$($azurite.BlobEndpoint)/dst/$($rows[0].Key)?comp=blocklist&$($azurite.Sas)").Content
            @($blocks.BlockList.CommittedBlocks.Block).Count | Should -Be 128
        }
        $results = @($rows | Test-StacAssetLock -Checksum -ErrorVariable testErrors)
        $testErrors.Count | Should -Be 0
        $results[0].Valid | Should -BeTrue
    }
}
