# Move-StacAsset as a user runs it, against real servers on loopback (TestServers.ps1): every store
# pair copies and the new lock validates with -Checksum; a rerun skips; -WhatIf copies nothing; a
# source changed since locking is refused for that row only; memory limits and byte-size strings.

BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    . (Join-Path $PSScriptRoot 'TestServers.ps1')
    Import-Module $ModulePath -Force

    function New-TestItem([string] $Id, [Collections.IDictionary] $Assets) {
        $assetObjects = [ordered]@{}
        foreach ($key in $Assets.Keys) { $assetObjects[$key] = @{ href = $Assets[$key]; roles = @('data') } }
        [ordered]@{
            type = 'Feature'; stac_version = '1.0.0'; id = $Id; geometry = $null
            properties = @{ datetime = '2024-01-01T00:00:00Z' }; links = @(); assets = $assetObjects
        } | ConvertTo-Json -Depth 10 -Compress | ConvertFrom-StacJson
    }

    function Get-Multihash([byte[]] $Bytes) {
        '1220' + [Convert]::ToHexString([Security.Cryptography.SHA256]::HashData($Bytes)).ToLowerInvariant()
    }

    function New-TempDirectory([string] $Name) {
        (New-Item -ItemType Directory -Path (Join-Path ([IO.Path]::GetTempPath()) "stacpkg-$Name-$([guid]::NewGuid().ToString('N').Substring(0, 8))")).FullName
    }

    $script:SavedEnvironment = @{}
    function Set-TestEnvironment([hashtable] $Values) {
        foreach ($name in $Values.Keys) {
            if (-not $SavedEnvironment.ContainsKey($name)) { $SavedEnvironment[$name] = [Environment]::GetEnvironmentVariable($name) }
            [Environment]::SetEnvironmentVariable($name, $Values[$name])
        }
    }
}

AfterAll {
    foreach ($name in $SavedEnvironment.Keys) { [Environment]::SetEnvironmentVariable($name, $SavedEnvironment[$name]) }
}

Describe 'Move-StacAsset across file, http (nginx), s3 (s3rver) and az (Azurite)' {
    BeforeAll {
        $script:nginx = Start-TestNginx
        $script:s3 = Start-TestS3rver -Bucket 'src', 'dst'
        $script:azurite = Start-TestAzurite -Container 'src', 'dst'
        $script:root = New-TempDirectory 'move'
        $script:ready = $nginx -and $s3 -and $azurite
        if (-not $ready) { return }
        Set-TestEnvironment ($s3.Environment + @{ AWS_ENDPOINT_URL = $s3.EndpointUrl; AZURE_STORAGE_CONNECTION_STRING = $azurite.ConnectionString })

        # Two small objects and one of 12 MiB: above a 5 MiB chunk, so multipart on S3 and staged blocks on Azure.
        $rng = [Random]::new(7)
        $script:contents = [ordered]@{}
        foreach ($name in 'small1', 'small2', 'big') {
            $bytes = [byte[]]::new($(if ($name -eq 'big') { 12MB } else { 1000 + $contents.Count }))
            $rng.NextBytes($bytes)
            $contents[$name] = $bytes
        }
        $null = New-Item -ItemType Directory -Path (Join-Path $nginx.Root 'move'), (Join-Path $root 'src/move')
        $script:sourceHref = @{
            http = { param($n) "$($nginx.BaseUrl)/move/$n.bin" }
            file = { param($n) Join-Path $root "src/move/$n.bin" }
            s3 = { param($n) "s3://src/move/$n.bin" }
            az = { param($n) "az://src/move/$n.bin" }
        }
        foreach ($name in $contents.Keys) {
            [IO.File]::WriteAllBytes((Join-Path $nginx.Root "move/$name.bin"), $contents[$name])
            [IO.File]::WriteAllBytes((Join-Path $root "src/move/$name.bin"), $contents[$name])
            Set-TestS3Object -Server $s3 -Bucket src -Key "move/$name.bin" -Content $contents[$name]
            Set-TestAzBlob -Server $azurite -Container src -Key "move/$name.bin" -Content $contents[$name]
        }
        $script:locks = @{}
        foreach ($type in 'http', 'file', 's3', 'az') {
            $assets = [ordered]@{}
            foreach ($name in $contents.Keys) { $assets[$name] = & $sourceHref[$type] $name }
            $locks[$type] = @(New-TestItem -Id "$type-item" -Assets $assets | New-StacAssetLock)
        }

        $script:pairs = @(
            @{ From = 'http'; To = 'file'; Destination = (Join-Path $root 'http-to-file'); Endpoint = $null }
            @{ From = 'http'; To = 's3'; Destination = 's3://dst/from-http'; Endpoint = $s3.EndpointUrl }
            @{ From = 'file'; To = 'az'; Destination = 'az://dst/from-file'; Endpoint = $null }
            @{ From = 's3'; To = 'az'; Destination = 'az://dst/from-s3'; Endpoint = $s3.EndpointUrl }
            @{ From = 'az'; To = 's3'; Destination = 's3://dst/from-az'; Endpoint = $null }
            @{ From = 's3'; To = 'file'; Destination = (Join-Path $root 's3-to-file'); Endpoint = $null }
        )
        $script:first = @{}
        $script:firstErrors = @{}
        foreach ($pair in $pairs) {
            $name = "$($pair.From)-$($pair.To)"
            $endpoint = if ($pair.Endpoint) { @{ EndpointUrl = $pair.Endpoint } } else { @{} }
            $first[$name] = @($locks[$pair.From] | Move-StacAsset -Destination $pair.Destination @endpoint -ChunkSize 5MiB -MemoryLimit 64MB -ThrottleLimit 4 -ErrorVariable moveErrors)
            $firstErrors[$name] = @($moveErrors)
        }
        # Second-resolution Last-Modified: a recopy in the rerun would land in a later second.
        Start-Sleep -Milliseconds 1100
        $script:second = @{}
        foreach ($pair in $pairs) {
            $name = "$($pair.From)-$($pair.To)"
            $endpoint = if ($pair.Endpoint) { @{ EndpointUrl = $pair.Endpoint } } else { @{} }
            $second[$name] = @($locks[$pair.From] | Move-StacAsset -Destination $pair.Destination @endpoint -ChunkSize 5MiB -MemoryLimit 64MB)
        }
    }

    AfterAll {
        Stop-TestServer $nginx, $s3, $azurite
        Remove-Item -LiteralPath $root -Recurse -Force -ErrorAction SilentlyContinue
    }

    It '<From> → <To>: copies every row, and the new lock validates clean with -Checksum' -ForEach @(
        @{ From = 'http'; To = 'file' }, @{ From = 'http'; To = 's3' }, @{ From = 'file'; To = 'az' },
        @{ From = 's3'; To = 'az' }, @{ From = 'az'; To = 's3' }, @{ From = 's3'; To = 'file' }
    ) {
        Skip-WithoutServer $nginx 'nginx'; Skip-WithoutServer $s3 's3rver'; Skip-WithoutServer $azurite 'Azurite'
        $name = "$From-$To"
        $firstErrors[$name].Count | Should -Be 0
        $new = $first[$name]
        $new.Count | Should -Be 3
        $new | ForEach-Object { $_.StoreType | Should -Be $To }
        # -EndpointUrl is an S3 endpoint: it names the s3 targets' endpoint and never becomes an Azure account.
        if ($To -eq 'az') { $new | ForEach-Object { $_.StoreEndpointUrl | Should -BeNullOrEmpty } }
        foreach ($row in $new) {
            $row.FileChecksum | Should -Be (Get-Multihash $contents[$row.AssetKey])
            $row.SizeBytes | Should -Be $contents[$row.AssetKey].Length
        }
        $results = @($new | Test-StacAssetLock -Checksum -ErrorVariable testErrors)
        $testErrors.Count | Should -Be 0
        @($results | Where-Object { -not $_.Valid }).Count | Should -Be 0
        $results.Count | Should -Be 3
    }

    It '<From> → <To>: a rerun skips every row (the targets are not rewritten)' -ForEach @(
        @{ From = 'http'; To = 'file' }, @{ From = 'http'; To = 's3' }, @{ From = 'file'; To = 'az' },
        @{ From = 's3'; To = 'az' }, @{ From = 'az'; To = 's3' }, @{ From = 's3'; To = 'file' }
    ) {
        Skip-WithoutServer $nginx 'nginx'; Skip-WithoutServer $s3 's3rver'; Skip-WithoutServer $azurite 'Azurite'
        $name = "$From-$To"
        $before = $first[$name] | Sort-Object AssetKey
        $after = $second[$name] | Sort-Object AssetKey
        $after.Count | Should -Be 3
        for ($i = 0; $i -lt 3; $i++) {
            $after[$i].Href | Should -Be $before[$i].Href
            $after[$i].ETag | Should -Be $before[$i].ETag
            $after[$i].LastModified | Should -Be $before[$i].LastModified
            $after[$i].FileChecksum | Should -Be $before[$i].FileChecksum
        }
    }

    It 'a stop mid-run (as Ctrl+C) returns promptly and leaves no partial object; the rerun completes' {
        Skip-WithoutServer $nginx 'nginx'; Skip-WithoutServer $s3 's3rver'; Skip-WithoutServer $azurite 'Azurite'
        $null = New-Item -ItemType Directory -Path (Join-Path $nginx.Root 'stop')
        $size = 24MB
        $assets = [ordered]@{}
        $block = [byte[]]::new($size)
        [Random]::new(11).NextBytes($block)
        foreach ($i in 1..8) {
            $block[0] = [byte]$i
            [IO.File]::WriteAllBytes((Join-Path $nginx.Root "stop/f$i.bin"), $block)
            $assets["f$i"] = "$($nginx.BaseUrl)/stop/f$i.bin"
        }
        $lock = @(New-TestItem -Id 'stop' -Assets $assets | New-StacAssetLock)
        $target = Join-Path $root 'stopped'
        $ps = [powershell]::Create()
        try {
            $null = $ps.AddScript({
                    param($ModulePath, $Lock, $Target)
                    Import-Module $ModulePath
                    $Lock | Move-StacAsset -Destination $Target -ThrottleLimit 2 -ChunkSize 1MB -MemoryLimit 2MB
                }).AddArgument($ModulePath).AddArgument($lock).AddArgument($target)
            $async = $ps.BeginInvoke()
            $deadline = [DateTime]::UtcNow.AddSeconds(20)
            while (-not (Test-Path -LiteralPath $target) -and -not $async.IsCompleted -and [DateTime]::UtcNow -lt $deadline) { Start-Sleep -Milliseconds 20 }
            Start-Sleep -Milliseconds 100
            $watch = [Diagnostics.Stopwatch]::StartNew()
            $ps.Stop()
            $watch.Elapsed.TotalSeconds | Should -BeLessThan 5
        }
        finally {
            $ps.Dispose()
        }
        # Whatever is under the target is a complete copy under its final name: nothing partial, no temporary file.
        foreach ($file in @(Get-ChildItem -LiteralPath $target -Recurse -File -ErrorAction SilentlyContinue)) {
            $file.Name | Should -Match '^f[1-8]\.bin$'
            $file.Length | Should -Be $size
        }
        $rerun = @($lock | Move-StacAsset -Destination $target -ThrottleLimit 2 -ChunkSize 1MB -MemoryLimit 2MB -ErrorVariable rerunErrors)
        $rerunErrors.Count | Should -Be 0
        $rerun.Count | Should -Be 8
        @($rerun | Test-StacAssetLock -Checksum | Where-Object { -not $_.Valid }).Count | Should -Be 0
    }

    It '-WhatIf emits the planned rows and copies nothing; -SourcePrefix passes other rows through unchanged' {
        Skip-WithoutServer $nginx 'nginx'; Skip-WithoutServer $s3 's3rver'; Skip-WithoutServer $azurite 'Azurite'
        $target = Join-Path $root 'whatif'
        $planned = @($locks.http + $locks.file | Move-StacAsset -Destination $target -SourcePrefix "$($nginx.BaseUrl)/" -WhatIf)
        $planned.Count | Should -Be 6
        Test-Path -LiteralPath $target | Should -BeFalse
        $httpRows = @($planned | Where-Object ItemId -EQ 'http-item')
        $httpRows | ForEach-Object { $_.StoreType | Should -Be 'file'; $_.Key | Should -BeLike "$target*" }
        ($planned | Where-Object ItemId -EQ 'file-item').Href | Sort-Object | Should -Be ($locks.file.Href | Sort-Object)
    }

    It 'refuses a source changed since locking for that row while the others copy, and pwsh -c exits non-zero' {
        Skip-WithoutServer $nginx 'nginx'; Skip-WithoutServer $s3 's3rver'; Skip-WithoutServer $azurite 'Azurite'
        $dir = Join-Path $root 'changed-src'
        $null = New-Item -ItemType Directory -Path $dir
        foreach ($n in 'a', 'b', 'c') { [IO.File]::WriteAllBytes((Join-Path $dir "$n.bin"), [Text.Encoding]::ASCII.GetBytes("content $n")) }
        $lock = @(New-TestItem -Id 'changed' -Assets ([ordered]@{ a = (Join-Path $dir 'a.bin'); b = (Join-Path $dir 'b.bin'); c = (Join-Path $dir 'c.bin') }) | New-StacAssetLock)
        $lockPath = Join-Path $root 'changed.lock.parquet'
        $lock | Export-StacAssetLock -Path $lockPath
        [IO.File]::WriteAllBytes((Join-Path $dir 'b.bin'), [Text.Encoding]::ASCII.GetBytes('content b, edited'))
        $target = Join-Path $root 'changed-dst'
        $new = @($lock | Move-StacAsset -Destination $target -ErrorVariable moveErrors -ErrorAction SilentlyContinue)
        ($new.AssetKey | Sort-Object) | Should -Be @('a', 'c')
        $moveErrors.Count | Should -Be 1
        $moveErrors[0].TargetObject.AssetKey | Should -Be 'b'
        $moveErrors[0].FullyQualifiedErrorId | Should -BeLike 'AssetRelocationFailed*'
        Test-Path -LiteralPath (Join-Path $target 'changed/b.bin') | Should -BeFalse

        $child = Invoke-ChildPwsh "Import-Module '$ModulePath'; Import-StacAssetLock -LiteralPath '$lockPath' | Move-StacAsset -Destination '$(Join-Path $root 'changed-child')' | Out-Null"
        $child.ExitCode | Should -Not -Be 0
    }
}

Describe 'Move-StacAsset byte sizes and memory limits' {
    BeforeAll {
        $script:dir = New-TempDirectory 'move-sizes'
        [IO.File]::WriteAllBytes((Join-Path $dir 'a.bin'), [byte[]](1..10))
        $script:lock = @(New-TestItem -Id 'sizes' -Assets @{ a = (Join-Path $dir 'a.bin') } | New-StacAssetLock)
    }
    AfterAll { Remove-Item -LiteralPath $dir -Recurse -Force -ErrorAction SilentlyContinue }

    It 'is an error when one chunk cannot fit in the memory limit (-MemoryLimit 4MB -ChunkSize 8MB)' {
        { $lock | Move-StacAsset -Destination (Join-Path $dir 'out') -MemoryLimit 4MB -ChunkSize 8MB } | Should -Throw '*exceeds the memory limit*'
        Test-Path -LiteralPath (Join-Path $dir 'out') | Should -BeFalse
    }

    It 'parses size strings <Text> as <Bytes> bytes' -ForEach @(
        @{ Text = '8MiB'; Bytes = 8388608 }, @{ Text = '64MB'; Bytes = 67108864 }, @{ Text = '1GiB'; Bytes = 1073741824 },
        @{ Text = '1.5 KiB'; Bytes = 1536 }, @{ Text = '4096'; Bytes = 4096 }, @{ Text = '2gb'; Bytes = 2147483648 }
    ) {
        # The memory-limit error quotes both sizes in bytes: a chunk one byte above the limit shows the parsed value.
        { $lock | Move-StacAsset -Destination (Join-Path $dir 'never') -MemoryLimit $Text -ChunkSize ($Bytes + 1) -WhatIf } |
            Should -Throw "*memory limit ($Bytes bytes)*"
        @($lock | Move-StacAsset -Destination (Join-Path $dir 'never') -MemoryLimit $Text -ChunkSize 1KB -WhatIf).Count | Should -Be 1
    }

    It 'raises a -ChunkSize below the S3 minimum part size to 5 MiB, with a warning' {
        $planned = @($lock | Move-StacAsset -Destination 's3://bucket/prefix' -EndpointUrl 'http://127.0.0.1:9' -ChunkSize 1MB -MemoryLimit 8MB -WhatIf -WarningVariable warnings -WarningAction SilentlyContinue)
        $planned.Count | Should -Be 1
        $planned[0].Href | Should -Be 's3://bucket/prefix/sizes/a.bin'
        "$warnings" | Should -BeLike '*5 MiB*'
        { $lock | Move-StacAsset -Destination 's3://bucket/prefix' -ChunkSize 1MB -MemoryLimit 4MB -WhatIf -WarningAction SilentlyContinue } | Should -Throw '*exceeds the memory limit*'
    }

    It 'rejects a size that is not a byte size' {
        { $lock | Move-StacAsset -Destination (Join-Path $dir 'never') -ChunkSize 'eight MB' -WhatIf } | Should -Throw '*is not a byte size*'
        { $lock | Move-StacAsset -Destination (Join-Path $dir 'never') -ChunkSize '1.5B' -WhatIf } | Should -Throw '*is not a byte size*'
    }

    It 'rejects a destination that is not a folder, S3 or Azure' {
        { $lock | Move-StacAsset -Destination 'https://example.com/x' -WhatIf } | Should -Throw '*is not a folder*'
    }
}
