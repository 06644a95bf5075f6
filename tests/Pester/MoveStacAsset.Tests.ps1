# Move-StacAsset as a user runs it, against real servers on loopback (TestServers.ps1): every store
# pair copies and the new lock validates with -Checksum; a rerun skips; a stop mid-run leaves nothing
# partial; -WhatIf and -Confirm per row; -Force; Azurite blob URLs; a source changed since locking is
# refused for that row only; local files are read only inside an allowed root; memory limits and
# byte-size strings.

BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    . (Join-Path $PSScriptRoot 'TestServers.ps1')
    Import-Module $ModulePath -Force

    . (Join-Path $PSScriptRoot 'MoveStacAssetHelpers.ps1')
}

AfterAll {
    Restore-TestEnvironment
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
            $first[$name] = @($locks[$pair.From] | Move-StacAsset -Destination $pair.Destination @endpoint -SourceRoot $root -ChunkSize 5MiB -MemoryLimit 64MB -ThrottleLimit 4 -ErrorVariable moveErrors)
            $firstErrors[$name] = @($moveErrors)
        }
        # Second-resolution Last-Modified: a recopy in the rerun would land in a later second.
        Start-Sleep -Milliseconds 1100
        $script:second = @{}
        foreach ($pair in $pairs) {
            $name = "$($pair.From)-$($pair.To)"
            $endpoint = if ($pair.Endpoint) { @{ EndpointUrl = $pair.Endpoint } } else { @{} }
            $second[$name] = @($locks[$pair.From] | Move-StacAsset -Destination $pair.Destination @endpoint -SourceRoot $root -ChunkSize 5MiB -MemoryLimit 64MB)
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

    It 'a stop mid-run (as Ctrl+C) to <To> returns promptly and leaves no partial object; the rerun copies the rest and skips what is there' -ForEach @(
        @{ To = 'file' }, @{ To = 's3' }
    ) {
        Skip-WithoutServer $nginx 'nginx'; Skip-WithoutServer $s3 's3rver'; Skip-WithoutServer $azurite 'Azurite'
        $folder = "stop-$To"
        $null = New-Item -ItemType Directory -Path (Join-Path $nginx.Root $folder)
        # Large enough that a copy is mid-way when the first completes (several S3 parts), small enough for s3rver's pace.
        $size = if ($To -eq 'file') { 24MB } else { 16MB }
        $assets = [ordered]@{}
        $checksums = [ordered]@{}
        $hashes = @{}
        $block = [byte[]]::new($size)
        [Random]::new(11).NextBytes($block)
        foreach ($i in 1..8) {
            $block[0] = [byte]$i
            [IO.File]::WriteAllBytes((Join-Path $nginx.Root "$folder/f$i.bin"), $block)
            $assets["f$i"] = "$($nginx.BaseUrl)/$folder/f$i.bin"
            $hashes["f$i.bin"] = $checksums["f$i"] = Get-Multihash $block
        }
        $lock = @(New-TestItem -Id 'stop' -Assets $assets -Checksums $checksums | New-StacAssetLock)
        if ($To -eq 'file') {
            $target = Join-Path $root $folder
            $parameters = @{ Destination = $target; ThrottleLimit = 2; ChunkSize = 1MB; MemoryLimit = 2MB }
            # Hidden files too: a temporary file beside its target starts with a dot.
            $present = { @(Get-ChildItem -LiteralPath $target -Recurse -File -Force -ErrorAction SilentlyContinue) }
        }
        else {
            $parameters = @{ Destination = "s3://dst/$folder"; ThrottleLimit = 2; ChunkSize = 5MB; MemoryLimit = 10MB }
            $present = { @(Get-TestS3Listing -Server $s3 -Bucket dst -Prefix "$folder/") }
        }
        # Stopped once the first copy is complete, while the next ones are mid-way.
        $stopSeconds = Stop-MoveMidRun -Lock $lock -Parameters $parameters -Until { (& $present).Count -ge 1 }
        $stopSeconds | Should -BeLessThan 5

        # Whatever is under the target is a complete, correct copy under its final name: nothing partial, no temporary file.
        $left = & $present
        $left.Count | Should -BeLessThan 8
        foreach ($object in $left) {
            $name = Split-Path -Leaf $(if ($To -eq 'file') { $object.FullName } else { $object.Key })
            $name | Should -Match '^f[1-8]\.bin$'
            $content = if ($To -eq 'file') { [IO.File]::ReadAllBytes($object.FullName) } else { Get-TestS3Object -Server $s3 -Bucket dst -Key $object.Key }
            $content.Length | Should -Be $size
            Get-Multihash $content | Should -Be $hashes[$name]
        }

        $rerun = Invoke-CountedMove -Lock $lock -Parameters $parameters
        $rerun.Errors.Count | Should -Be 0
        $rerun.Rows.Count | Should -Be 8
        $rerun.Skipped | Should -Be $left.Count
        $rerun.Copied | Should -Be (8 - $left.Count)
        @($rerun.Rows | Test-StacAssetLock -Checksum | Where-Object { -not $_.Valid }).Count | Should -Be 0
        @(& $present).Count | Should -Be 8
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

    It '-WhatIf names each planned copy with its target, writes the planned rows and copies nothing' {
        Skip-WithoutServer $nginx 'nginx'; Skip-WithoutServer $s3 's3rver'; Skip-WithoutServer $azurite 'Azurite'
        $lockPath = Join-Path $root 'per-row.lock.parquet'
        $locks.http | Export-StacAssetLock -Path $lockPath
        $target = Join-Path $root 'whatif-rows'
        $child = Invoke-ChildPwsh "Import-Module '$ModulePath'; Import-StacAssetLock -LiteralPath '$lockPath' | Move-StacAsset -Destination '$target' -WhatIf | ForEach-Object { 'ROW ' + `$_.Href }"
        $child.ExitCode | Should -Be 0
        $whatIf = @($child.Output | Where-Object { $_ -like 'What if:*' })
        $whatIf.Count | Should -Be 3
        foreach ($name in $contents.Keys) {
            $planned = Join-Path $target "http-item/$name.bin"
            @($whatIf | Where-Object { $_ -eq "What if: Copying http-item/$name ($($nginx.BaseUrl)/move/$name.bin) to $planned." }).Count | Should -Be 1
            $child.Output | Should -Contain "ROW $planned"
        }
        Test-Path -LiteralPath $target | Should -BeFalse
    }

    It '-Confirm asks once per copy, naming its target; a row answered No is not copied' {
        Skip-WithoutServer $nginx 'nginx'; Skip-WithoutServer $s3 's3rver'; Skip-WithoutServer $azurite 'Azurite'
        $lockPath = Join-Path $root 'confirm.lock.parquet'
        $locks.http | Export-StacAssetLock -Path $lockPath
        $target = Join-Path $root 'confirm-rows'
        $child = Invoke-ChildPwsh -Answer 'Y', 'N', 'Y' "Import-Module '$ModulePath'; Import-StacAssetLock -LiteralPath '$lockPath' | Move-StacAsset -Destination '$target' -Confirm -ThrottleLimit 1 | ForEach-Object { 'ROW ' + `$_.AssetKey }"
        $child.ExitCode | Should -Be 0
        # The host wraps a long question over lines; joined, each reads "Copy <item/asset> (<source>) to <target>?".
        $questions = @([regex]::Matches(($child.Output -join ''), 'Copy http-item/(\w+) \([^)]+\) to (\S+?)\?\[Y\]') | ForEach-Object {
                [pscustomobject]@{ Asset = $_.Groups[1].Value; Target = $_.Groups[2].Value }
            })
        $questions.Count | Should -Be 3
        $questions | ForEach-Object { $_.Target | Should -Be (Join-Path $target "http-item/$($_.Asset).bin") }
        $declined = $questions[1].Asset
        $copied = @($questions[0].Asset, $questions[2].Asset)
        @($child.Output | Where-Object { $_ -like 'ROW *' } | ForEach-Object { $_.Substring(4) } | Sort-Object) | Should -Be @($copied | Sort-Object)
        Test-Path -LiteralPath (Join-Path $target "http-item/$declined.bin") | Should -BeFalse
        $copied | ForEach-Object { Test-Path -LiteralPath (Join-Path $target "http-item/$_.bin") | Should -BeTrue }
    }

    It 'an existing different target is an error naming the row and the target; -Force overwrites it and the lock validates' {
        Skip-WithoutServer $nginx 'nginx'; Skip-WithoutServer $s3 's3rver'; Skip-WithoutServer $azurite 'Azurite'
        $other = [byte[]](1..50)
        Set-TestS3Object -Server $s3 -Bucket dst -Key 'force/http-item/small1.bin' -Content $other
        $parameters = @{ Destination = 's3://dst/force'; EndpointUrl = $s3.EndpointUrl; ChunkSize = 5MB; MemoryLimit = 64MB }
        $first = Invoke-CountedMove -Lock $locks.http -Parameters $parameters
        @($first.Rows.AssetKey | Sort-Object) | Should -Be @('big', 'small2')
        $first.Errors.Count | Should -Be 1
        $first.Errors[0].TargetObject.AssetKey | Should -Be 'small1'
        $first.Errors[0].Exception.Message | Should -BeLike "http-item/small1 (*/move/small1.bin): target s3://dst/force/http-item/small1.bin exists and differs*"
        Get-TestS3Object -Server $s3 -Bucket dst -Key 'force/http-item/small1.bin' | Should -Be $other

        $forced = Invoke-CountedMove -Lock $locks.http -Parameters ($parameters + @{ Force = $true })
        $forced.Errors.Count | Should -Be 0
        $forced.Rows.Count | Should -Be 3
        $forced.Copied | Should -Be 1
        $forced.Skipped | Should -Be 2
        @($forced.Rows | Test-StacAssetLock -Checksum | Where-Object { -not $_.Valid }).Count | Should -Be 0
        Get-Multihash (Get-TestS3Object -Server $s3 -Bucket dst -Key 'force/http-item/small1.bin') | Should -Be (Get-Multihash $contents['small1'])
    }

    It 'an Azurite blob URL (account in the path) is an Azure destination, with the connection string or an account key' {
        Skip-WithoutServer $nginx 'nginx'; Skip-WithoutServer $s3 's3rver'; Skip-WithoutServer $azurite 'Azurite'
        $url = "$($azurite.BlobEndpoint)/dst/url-dest"
        $new = @($locks.file | Move-StacAsset -Destination $url -SourceRoot $root -ChunkSize 5MiB -MemoryLimit 64MB -ErrorVariable moveErrors)
        $moveErrors.Count | Should -Be 0
        $new.Count | Should -Be 3
        foreach ($row in $new) {
            $row.StoreType | Should -Be 'az'
            $row.StoreContainer | Should -Be 'dst'
            $row.StoreEndpointUrl | Should -Be $azurite.BlobEndpoint
            $row.Href | Should -Be "$url/file-item/$($row.AssetKey).bin"
            $row.FileChecksum | Should -Be (Get-Multihash $contents[$row.AssetKey])
        }
        # The new lock, written and read back, names the same account and validates.
        $lockPath = Join-Path $root 'url-dest.lock.parquet'
        $new | Export-StacAssetLock -Path $lockPath
        $results = @(Import-StacAssetLock -LiteralPath $lockPath | Test-StacAssetLock -Checksum)
        $results.Count | Should -Be 3
        @($results | Where-Object { -not $_.Valid }).Count | Should -Be 0

        # With an account key and no connection string, the emulator account in the path still names the store.
        Set-TestEnvironment @{ AZURE_STORAGE_CONNECTION_STRING = $null; AZURE_STORAGE_KEY = $AzuriteKey }
        try {
            $again = Invoke-CountedMove -Lock $locks.file -Parameters @{ Destination = "$url/"; SourceRoot = $root }
            $again.Errors.Count | Should -Be 0
            $again.Skipped | Should -Be 3
        }
        finally {
            Set-TestEnvironment @{ AZURE_STORAGE_CONNECTION_STRING = $azurite.ConnectionString; AZURE_STORAGE_KEY = $null }
        }
        # An http URL that names no Azure account is refused, not guessed (it could be an S3 endpoint).
        { $locks.file | Move-StacAsset -Destination "$($nginx.BaseUrl)/bucket/prefix" -WhatIf } | Should -Throw '*is not a folder, s3://bucket/prefix*'
    }

    It 'a foreign lock relocated to S3 uploads nothing from outside the allowed root' {
        Skip-WithoutServer $nginx 'nginx'; Skip-WithoutServer $s3 's3rver'; Skip-WithoutServer $azurite 'Azurite'
        $foreign = New-ForeignLock -Base (Join-Path $root 'foreign')
        Push-Location -LiteralPath $foreign.Here
        try {
            $new = @(Import-StacAssetLock -LiteralPath $foreign.Lock |
                    Move-StacAsset -Destination 's3://dst/foreign-lock' -EndpointUrl $s3.EndpointUrl -ChunkSize 5MiB -MemoryLimit 64MB -ErrorVariable refused -ErrorAction SilentlyContinue)
        }
        finally { Pop-Location }
        $new.AssetKey | Should -Be @('good')
        @($refused.TargetObject.AssetKey | Sort-Object) | Should -Be $foreign.Refused
        $refused | ForEach-Object { $_.FullyQualifiedErrorId | Should -BeLike 'LocalPathOutsideRoot*' }
        @(Get-TestS3Listing -Server $s3 -Bucket dst -Prefix 'foreign-lock/').Key | Should -Be @('foreign-lock/foreign/good.bin')
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
        $new = @($lock | Move-StacAsset -Destination $target -SourceRoot $dir -ErrorVariable moveErrors -ErrorAction SilentlyContinue)
        ($new.AssetKey | Sort-Object) | Should -Be @('a', 'c')
        $moveErrors.Count | Should -Be 1
        $moveErrors[0].TargetObject.AssetKey | Should -Be 'b'
        $moveErrors[0].FullyQualifiedErrorId | Should -BeLike 'AssetRelocationFailed*'
        Test-Path -LiteralPath (Join-Path $target 'changed/b.bin') | Should -BeFalse

        $child = Invoke-ChildPwsh "Import-Module '$ModulePath'; Import-StacAssetLock -LiteralPath '$lockPath' | Move-StacAsset -Destination '$(Join-Path $root 'changed-child')' -SourceRoot '$dir' | Out-Null"
        $child.ExitCode | Should -Not -Be 0
    }
}

Describe 'Move-StacAsset reads local files only inside an allowed root' {
    BeforeAll {
        $script:base = New-TempDirectory 'move-roots'
        $script:foreign = New-ForeignLock -Base $base
        # Every refused row is an error naming its item, asset and key; nothing of it is read.
        function Assert-Refused($Errors, [string[]] $AssetKeys) {
            @($Errors.TargetObject.AssetKey | Sort-Object) | Should -Be $AssetKeys
            foreach ($e in $Errors) {
                $e.FullyQualifiedErrorId | Should -BeLike 'LocalPathOutsideRoot*'
                $e.CategoryInfo.Category | Should -Be 'PermissionDenied'
                $e.Exception.Message | Should -BeLike "*item 'foreign' asset '$($e.TargetObject.AssetKey)'*'$($e.TargetObject.Key)'*"
            }
        }
    }
    AfterAll { Remove-Item -LiteralPath $base -Recurse -Force -ErrorAction SilentlyContinue }

    It 'refuses per row an absolute path elsewhere, a key climbing out, a symlink out and a hidden file; the good row copies' {
        $target = Join-Path $base 'out'
        Push-Location -LiteralPath $foreign.Here
        try {
            $new = @(Import-StacAssetLock -LiteralPath $foreign.Lock | Move-StacAsset -Destination $target -ErrorVariable refused -ErrorAction SilentlyContinue)
        }
        finally { Pop-Location }
        $new.AssetKey | Should -Be @('good')
        Assert-Refused $refused $foreign.Refused
        @(Get-ChildItem -LiteralPath $target -Recurse -File | ForEach-Object Name) | Should -Be @('good.bin')
        [IO.File]::ReadAllText((Join-Path $target 'foreign/good.bin')) | Should -Be 'good bytes'
    }

    It '-SourceRoot names the folders that may be read; -AllowAnyLocalPath reads anything' {
        Push-Location -LiteralPath $foreign.Here
        try {
            $rooted = @(Import-StacAssetLock -LiteralPath $foreign.Lock |
                    Move-StacAsset -Destination (Join-Path $base 'rooted') -SourceRoot ../.. -ErrorVariable refused -ErrorAction SilentlyContinue)
            $any = @(Import-StacAssetLock -LiteralPath $foreign.Lock | Move-StacAsset -Destination (Join-Path $base 'any') -AllowAnyLocalPath)
        }
        finally { Pop-Location }
        # The secret is inside the named root, by its key and through the link; a hidden name never is.
        @($rooted.AssetKey | Sort-Object) | Should -Be @('good', 'link', 'up')
        Assert-Refused $refused @('env', 'fileuri', 'passwd')
        $any.Count | Should -Be 6
        [IO.File]::ReadAllText((Join-Path $base 'any/foreign/up.txt')) | Should -Be 'secret outside the root'
        [IO.File]::ReadAllText((Join-Path $base 'any/foreign/passwd')) | Should -Be ([IO.File]::ReadAllText('/etc/passwd'))
    }

    It 'the rows of a package read inside the package, wherever the current location is, and nowhere else' {
        $pkg = Join-Path $base 'ref.pkg'
        Push-Location -LiteralPath $foreign.Here
        try { $null = New-TestItem -Id 'pkg-item' -Assets @{ data = 'good.bin' } | New-StacPackage -Path $pkg -IncludeAssets }
        finally { Pop-Location }
        $copied = @(Import-StacAssetLock -LiteralPath $pkg | Move-StacAsset -Destination (Join-Path $base 'from-pkg'))
        $copied.Count | Should -Be 1
        [IO.File]::ReadAllText($copied[0].Key) | Should -Be 'good bytes'
        $copied[0].PackageRoot | Should -BeNullOrEmpty

        # A package whose lock names a file outside it (as a pulled package could) gets that row refused.
        $evil = Join-Path $base 'evil.pkg'
        $null = New-Item -ItemType Directory -Path $evil
        Copy-Item -LiteralPath (Join-Path $pkg 'items.parquet') -Destination $evil
        $rows = @(Import-StacAssetLock -LiteralPath $foreign.Lock)
        @(Import-StacAssetLock -LiteralPath $pkg) + $rows | Export-StacAssetLock -Path (Join-Path $evil 'assets.lock.parquet')
        Push-Location -LiteralPath $foreign.Here
        try {
            $fromEvil = @(Import-StacAssetLock -LiteralPath $evil | Move-StacAsset -Destination (Join-Path $base 'from-evil') -ErrorVariable refused -ErrorAction SilentlyContinue)
        }
        finally { Pop-Location }
        # Even 'good.bin', fine from the current location for a lock of your own, is refused: the current
        # location is no root for a package's rows. The bundled row resolves inside evil.pkg (missing there).
        $fromEvil.Count | Should -Be 0
        Assert-Refused @($refused | Where-Object FullyQualifiedErrorId -Like 'LocalPathOutsideRoot*') @('env', 'fileuri', 'good', 'link', 'passwd', 'up')
        @($refused | Where-Object FullyQualifiedErrorId -Like 'AssetRelocationFailed*').TargetObject.AssetKey | Should -Be @('data')
        Test-Path -LiteralPath (Join-Path $base 'from-evil/foreign') | Should -BeFalse

        # Naming the current location lets the package's rows read what lies inside it, and no more.
        Push-Location -LiteralPath $foreign.Here
        try {
            $named = @(Import-StacAssetLock -LiteralPath $evil | Move-StacAsset -Destination (Join-Path $base 'from-evil-named') -SourceRoot . -ErrorAction SilentlyContinue)
        }
        finally { Pop-Location }
        $named.AssetKey | Should -Be @('good')
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
        @($lock | Move-StacAsset -Destination (Join-Path $dir 'never') -SourceRoot $dir -MemoryLimit $Text -ChunkSize 1KB -WhatIf).Count | Should -Be 1
    }

    It 'raises a -ChunkSize below the S3 minimum part size to 5 MiB, with a warning' {
        $planned = @($lock | Move-StacAsset -Destination 's3://bucket/prefix' -EndpointUrl 'http://127.0.0.1:9' -SourceRoot $dir -ChunkSize 1MB -MemoryLimit 8MB -WhatIf -WarningVariable warnings -WarningAction SilentlyContinue)
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
