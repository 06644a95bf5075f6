# Packages as a user builds, inspects and checks them: reproducible bytes, every fixture, atomic
# failure and stop, bad input, bundled assets from a real nginx, and tampering found exactly.

BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    . (Join-Path $PSScriptRoot 'TestServers.ps1')
    Import-Module $ModulePath -Force

    $script:FixtureRoot = Join-Path $RepoRoot 'tests/fixtures'
    # Every JSON Item fixture (the invalid/ ones are meant to fail).
    $script:FixtureFiles = @(
        Get-ChildItem -LiteralPath (Join-Path $FixtureRoot 'stac-geoparquet'), (Join-Path $FixtureRoot 'rustac') -File |
            Where-Object { $_.Extension -in '.json', '.ndjson' } | Sort-Object FullName
    )

    function Get-FixtureItems {
        foreach ($file in $FixtureFiles) {
            Get-Content -LiteralPath $file.FullName | ConvertFrom-StacJson
        }
    }

    function New-TempDirectory([string] $Name) {
        (New-Item -ItemType Directory -Path (Join-Path ([IO.Path]::GetTempPath()) "stacpkg-$Name-$([guid]::NewGuid().ToString('N').Substring(0, 8))")).FullName
    }

    function New-TestItem {
        param([Parameter(Mandatory)] [string] $Id, [Parameter(Mandatory)] [Collections.IDictionary] $Assets, [string] $Collection = 'test')
        $assetObjects = [ordered]@{}
        foreach ($key in $Assets.Keys) { $assetObjects[$key] = @{ href = $Assets[$key]; roles = @('data') } }
        [ordered]@{
            type = 'Feature'; stac_version = '1.0.0'; id = $Id; collection = $Collection; geometry = $null
            properties = @{ datetime = '2024-01-01T00:00:00Z' }; links = @(); assets = $assetObjects
        } | ConvertTo-Json -Depth 10 -Compress | ConvertFrom-StacJson
    }

    # Distinct strings in ordinal order, as the package reports them.
    function Get-OrdinalSet([string[]] $Values) {
        $set = [Collections.Generic.SortedSet[string]]::new([StringComparer]::Ordinal)
        foreach ($v in $Values) { $null = $set.Add($v) }
        , [string[]]@($set)
    }

    function Get-Sha256([string] $Path) { (Get-FileHash -LiteralPath $Path -Algorithm SHA256).Hash }

    # Every file under a folder with its hash: proves a package (or a whole folder) did not change.
    function Get-Snapshot([string] $Path) {
        Get-ChildItem -LiteralPath $Path -Recurse -File -Force | Sort-Object FullName |
            ForEach-Object { "$([IO.Path]::GetRelativePath($Path, $_.FullName))=$(Get-Sha256 $_.FullName)" }
    }

    # Top-level entries of a folder, hidden ones included: a build must leave no temp folder behind.
    function Get-Entries([string] $Path) { @(Get-ChildItem -LiteralPath $Path -Force | ForEach-Object Name | Sort-Object) }
}

Describe 'New-StacPackage reproducibility' {
    BeforeAll { $script:dir = New-TempDirectory 'repro' }
    AfterAll { Remove-Item -LiteralPath $dir -Recurse -Force -ErrorAction SilentlyContinue }

    It 'gives the same bytes for the same Items, and again for the Items read back from the package' {
        Get-FixtureItems | New-StacPackage -Path (Join-Path $dir 'one') -NoProbe -WarningAction SilentlyContinue | Out-Null
        Get-FixtureItems | New-StacPackage -Path (Join-Path $dir 'two') -NoProbe -WarningAction SilentlyContinue | Out-Null
        Import-StacItem -Path (Join-Path $dir 'one/items.parquet') | New-StacPackage -Path (Join-Path $dir 'three') -NoProbe -WarningAction SilentlyContinue | Out-Null
        foreach ($name in 'items.parquet', 'assets.lock.parquet') {
            $expected = Get-Sha256 (Join-Path $dir "one/$name")
            Get-Sha256 (Join-Path $dir "two/$name") | Should -Be $expected -Because "$name of a second build"
            Get-Sha256 (Join-Path $dir "three/$name") | Should -Be $expected -Because "$name from read-back Items"
        }
    }
}

Describe 'A package of every fixture' {
    BeforeAll {
        $script:dir = New-TempDirectory 'fixtures'
        $script:pkg = Join-Path $dir 'all.pkg'
        $script:info = Get-FixtureItems | New-StacPackage -Path $pkg -NoProbe -WarningAction SilentlyContinue
        # Expected counts read from the JSON independently of the module.
        $script:expected = foreach ($file in $FixtureFiles) {
            $docs = if ($file.Extension -eq '.ndjson') { Get-Content -LiteralPath $file.FullName | Where-Object { $_.Trim() } | ConvertFrom-Json -Depth 100 }
                    else { $d = Get-Content -Raw -LiteralPath $file.FullName | ConvertFrom-Json -Depth 100; if ($d.features) { $d.features } else { $d } }
            foreach ($item in $docs) { $item }
        }
    }
    AfterAll { Remove-Item -LiteralPath $dir -Recurse -Force -ErrorAction SilentlyContinue }

    It 'passes Test-StacPackage with no failed check' {
        $results = Test-StacPackage -Path $pkg -ErrorVariable errs
        $errs | Should -BeNullOrEmpty
        @($results | Where-Object Status -eq 'Failed') | Should -HaveCount 0
        @($results | Where-Object { $_.Check -eq 'lock-row' -and $_.Status -eq 'Passed' }).Count | Should -Be $info.AssetCount
    }

    It 'counts the Items, collections and non-metadata assets of the input' {
        $get = Get-StacPackage -Path $pkg
        $get.ItemCount | Should -Be @($expected).Count
        # The collection as the input Items carry it (ConvertFrom-StacJson takes it from the 'collection' link when the field is absent).
        $get.Collections | Should -Be (Get-OrdinalSet (Get-FixtureItems | ForEach-Object Collection | Where-Object { $_ }))
        # Every asset but metadata ones (key or role), as New-StacAssetLock selects them.
        $locked = foreach ($item in Get-FixtureItems) {
            foreach ($pair in $item.Assets.GetEnumerator()) {
                if ($pair.Key -ne 'metadata' -and 'metadata' -notin @($pair.Value.Roles)) { $pair.Key }
            }
        }
        $get.AssetCount | Should -Be @($locked).Count
        $get.AssetKeys | Should -Be (Get-OrdinalSet $locked)
    }

    It 'renders the facts as Markdown and as JSON alike' {
        $get = Get-StacPackage -Path $pkg
        $md = Get-StacPackage -Path $pkg -AsMarkdown
        $lines = $md -split "`n"
        $lines[0] | Should -Be '# stacpkg Inspect'
        $lines[1] | Should -Be "- Package: $pkg"
        $lines[2] | Should -Be "- Items: $($get.ItemCount)"
        $lines[3] | Should -Be "- Collections: $($get.Collections -join ', ')"
        $lines[4] | Should -Be "- Assets: $($get.AssetCount)"
        $lines[5] | Should -Be "- Asset keys: $($get.AssetKeys -join ', ')"
        $lines[6] | Should -Be "- Known asset bytes: $($get.KnownAssetBytes)"
        $json = $get | ConvertTo-Json -Depth 4 | ConvertFrom-Json
        $json.ItemCount | Should -Be $get.ItemCount
        $json.AssetCount | Should -Be $get.AssetCount
        $json.KnownAssetBytes | Should -Be $get.KnownAssetBytes
        $json.Collections | Should -Be $get.Collections
        $json.Files.Path | Should -Be @('assets.lock.parquet', 'items.parquet', 'stacpkg.manifest.json')
        $json.Files[1].Sha256 | Should -Be (Get-Sha256 (Join-Path $pkg 'items.parquet')).ToLowerInvariant()
    }

    It 'has a readable default view' {
        $text = Get-StacPackage -Path $pkg | Out-String
        $text | Should -Match 'ItemCount\s*:\s*\d+'
        $text | Should -Match 'Files\s*:\s*3 '
    }
}

Describe 'Atomic builds' {
    BeforeAll {
        $script:dir = New-TempDirectory 'atomic'
        $script:source = New-TempDirectory 'atomic-src'
        [IO.File]::WriteAllText((Join-Path $source 'a.tif'), 'asset a')
        $script:good = New-TestItem -Id 'good' -Assets ([ordered]@{ visual = (Join-Path $source 'a.tif') })
    }
    AfterAll { Remove-Item -LiteralPath $dir, $source -Recurse -Force -ErrorAction SilentlyContinue }

    It '-WhatIf writes nothing' {
        $good | New-StacPackage -Path (Join-Path $dir 'whatif') -NoProbe -WhatIf | Should -BeNullOrEmpty
        Get-Entries $dir | Should -BeNullOrEmpty
    }

    It 'an unreachable asset with -IncludeAssets leaves no package and no temp folder' {
        $bad = New-TestItem -Id 'bad' -Assets ([ordered]@{ visual = "http://127.0.0.1:$(Get-FreeTcpPort)/gone.tif" })
        { $good, $bad | New-StacPackage -Path (Join-Path $dir 'new') -IncludeAssets -SourceRoot $source -ErrorAction Stop } |
            Should -Throw -ExpectedMessage "*item 'bad' asset 'visual'*"
        Get-Entries $dir | Should -BeNullOrEmpty
    }

    It 'a failed -Force rebuild leaves the previous package byte-identical' {
        $pkg = Join-Path $dir 'kept'
        $good | New-StacPackage -Path $pkg -IncludeAssets -SourceRoot $source | Out-Null
        $before = Get-Snapshot $pkg
        $bad = New-TestItem -Id 'bad' -Assets ([ordered]@{ visual = "http://127.0.0.1:$(Get-FreeTcpPort)/gone.tif" })
        { $bad | New-StacPackage -Path $pkg -IncludeAssets -SourceRoot $source -Force -ErrorAction Stop } | Should -Throw
        Get-Snapshot $pkg | Should -Be $before
        Get-Entries $dir | Should -Be @('kept')
        { $good | New-StacPackage -Path $pkg -NoProbe -ErrorAction Stop } | Should -Throw -ExpectedMessage '*-Force*'
        Remove-Item -LiteralPath $pkg -Recurse -Force
    }

    It 'a build stopped mid-way leaves the previous package byte-identical and no temp folder' {
        $pkg = Join-Path $dir 'stopped'
        $good | New-StacPackage -Path $pkg -NoProbe | Out-Null
        $before = Get-Snapshot $pkg
        $ps = [powershell]::Create()
        try {
            $null = $ps.AddScript({
                    param($ModulePath, $Pkg)
                    Import-Module $ModulePath
                    # A slow source of distinct Items, so the build is surely under way when it is stopped.
                    & { foreach ($i in 1..100000) {
                            "{`"type`":`"Feature`",`"stac_version`":`"1.1.0`",`"id`":`"slow-$i`",`"geometry`":null,`"properties`":{`"datetime`":`"2024-01-01T00:00:00Z`"},`"links`":[],`"assets`":{`"visual`":{`"href`":`"https://example.com/$i.tif`"}}}"
                            Start-Sleep -Milliseconds 5
                        } } | ConvertFrom-StacJson | New-StacPackage -Path $Pkg -NoProbe -Force
                }).AddArgument($ModulePath).AddArgument($pkg)
            $handle = $ps.BeginInvoke()
            Start-Sleep -Seconds 3
            $hidden = @(Get-ChildItem -LiteralPath $dir -Force -Filter '.stopped.*.tmp')
            $hidden | Should -HaveCount 1 -Because 'the build is under way in a hidden folder'
            $ps.Stop()
            $handle.IsCompleted | Should -BeTrue
        }
        finally {
            $ps.Dispose()
        }
        Get-Snapshot $pkg | Should -Be $before
        Get-Entries $dir | Should -Be @('stopped')
        Remove-Item -LiteralPath $pkg -Recurse -Force
    }
}

Describe 'New-StacPackage options' {
    BeforeAll {
        $script:dir = New-TempDirectory 'options'
        $script:items = @(
            New-TestItem -Id 'a' -Assets ([ordered]@{ visual = 'https://example.com/a.tif'; thumbnail = 'https://example.com/a.png' })
            New-TestItem -Id 'b' -Assets ([ordered]@{ visual = 'https://example.com/b.tif' })
        )
        $script:lock = @($items | New-StacAssetLock -NoProbe)
        $lock[0].SizeBytes = 1234
        $lock | Export-StacAssetLock -Path (Join-Path $dir 'given.lock.parquet')
    }
    AfterAll { Remove-Item -LiteralPath $dir -Recurse -Force -ErrorAction SilentlyContinue }

    It 'takes -AssetLock as objects and as a lock file path, filtered by -AssetKey' {
        $fromObjects = $items | New-StacPackage -Path (Join-Path $dir 'objects') -AssetLock $lock
        $fromFile = $items | New-StacPackage -Path (Join-Path $dir 'file') -AssetLock (Join-Path $dir 'given.lock.parquet') -AssetKey visual
        $fromObjects.AssetCount | Should -Be 3
        $fromObjects.KnownAssetBytes | Should -Be 1234
        $fromFile.AssetKeys | Should -Be @('visual')
        $fromFile.AssetCount | Should -Be 2
    }

    It '-Include copies extra files into the package root' {
        $readme = Join-Path $dir 'README.md'
        Set-Content -LiteralPath $readme -Value 'hello'
        $info = $items | New-StacPackage -Path (Join-Path $dir 'included') -NoProbe -Include $readme
        $info.Files.Path | Should -Contain 'README.md'
        ($info.Files | Where-Object Path -eq 'README.md').MediaType | Should -Be 'text/markdown'
        Test-StacPackage -Path (Join-Path $dir 'included') | Where-Object Status -eq 'Failed' | Should -BeNullOrEmpty
    }
}

Describe 'Bad input' {
    BeforeAll {
        $script:dir = New-TempDirectory 'bad'
        $script:source = New-TempDirectory 'bad-src'
        [IO.File]::WriteAllText((Join-Path $source 'x.png'), 'not really a png')
        $script:mine = Join-Path $dir 'mine'
        $script:other = Join-Path $dir 'other'
        (New-TestItem -Id 'm1' -Assets ([ordered]@{ visual = 'https://example.com/m1.tif' })) | New-StacPackage -Path $mine -NoProbe | Out-Null
        (New-TestItem -Id 'o1' -Assets ([ordered]@{ visual = 'https://example.com/o1.tif' })) | New-StacPackage -Path $other -NoProbe | Out-Null
    }
    AfterAll { Remove-Item -LiteralPath $dir, $source -Recurse -Force -ErrorAction SilentlyContinue }

    It 'a directory that is not a package is a clear error for Get- and Test-StacPackage' {
        $plain = New-Item -ItemType Directory -Path (Join-Path $dir 'plain')
        Get-StacPackage -Path $plain -ErrorVariable errs -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        "$($errs[0])" | Should -BeLike "*is not a package*"
        $result = Test-StacPackage -Path $plain -ErrorVariable terrs -ErrorAction SilentlyContinue
        $result.Status | Should -Be 'Failed'
        $terrs[0].FullyQualifiedErrorId | Should -BeLike 'NotAPackage*'
        Get-ChildItem -LiteralPath $plain -Force | Should -BeNullOrEmpty
    }

    It 'a truncated items.parquet is named in the error' {
        $pkg = Join-Path $dir 'truncated'
        Copy-Item -LiteralPath $mine -Destination $pkg -Recurse
        $file = Join-Path $pkg 'items.parquet'
        $bytes = [IO.File]::ReadAllBytes($file)
        [IO.File]::WriteAllBytes($file, $bytes[0..($bytes.Length / 2)])
        Test-StacPackage -Path $pkg -ErrorVariable errs -ErrorAction SilentlyContinue | Out-Null
        # The table check, and the manifest check naming the same file.
        $errs | Should -HaveCount 2
        $errs | ForEach-Object { "$_" | Should -BeLike '*items.parquet*' }
        Get-StacPackage -Path $pkg -ErrorVariable gerrs -ErrorAction SilentlyContinue | Out-Null
        "$($gerrs[0])" | Should -BeLike '*items.parquet*'
    }

    It 'a lock from another package is reported row by row, both ways' {
        $pkg = Join-Path $dir 'swapped'
        Copy-Item -LiteralPath $mine -Destination $pkg -Recurse
        Copy-Item -LiteralPath (Join-Path $other 'assets.lock.parquet') -Destination $pkg -Force
        $results = Test-StacPackage -Path $pkg -ErrorVariable errs -ErrorAction SilentlyContinue
        $errs | Should -HaveCount 2
        ($errs | Where-Object FullyQualifiedErrorId -Like 'PackageFileMismatch,*').TargetObject.Target | Should -Be 'assets.lock.parquet'
        "$($errs | Where-Object FullyQualifiedErrorId -Like 'PackageAssetInvalid,*')" | Should -BeLike "*no item 'o1' with asset 'visual'*"
        ($results | Where-Object Status -eq 'Warning').Target | Should -Be 'm1/visual'
    }

    It "an asset key like '../../x' is bundled inside the package and nothing is written outside it" {
        $before = Get-Entries $dir
        $sourceBefore = Get-Snapshot $source
        $item = New-TestItem -Id '../evil' -Assets ([ordered]@{ '../../x' = (Join-Path $source 'x.png') })
        $info = $item | New-StacPackage -Path (Join-Path $dir 'evil') -IncludeAssets -SourceRoot $source
        $info.Files.Path | Should -Contain 'assets/___evil/___.._x.png'
        Get-Entries $dir | Should -Be (@($before) + 'evil' | Sort-Object)
        Get-Snapshot $source | Should -Be $sourceBefore
        Test-StacPackage -Path (Join-Path $dir 'evil') | Where-Object Status -eq 'Failed' | Should -BeNullOrEmpty
    }

    It 'pwsh -c exits non-zero for a broken package and zero for a whole one' {
        $broken = Join-Path $dir 'truncated'
        (Invoke-ChildPwsh "Import-Module '$ModulePath'; Test-StacPackage -Path '$broken' > `$null").ExitCode | Should -Not -Be 0
        (Invoke-ChildPwsh "Import-Module '$ModulePath'; Test-StacPackage -Path '$mine' > `$null").ExitCode | Should -Be 0
    }
}

Describe 'Bundling: every asset its own name, local files only from allowed roots' {
    BeforeAll {
        $script:dir = New-TempDirectory 'bundle'
        $script:source = New-TempDirectory 'bundle-src'
    }
    AfterAll { Remove-Item -LiteralPath $dir, $source -Recurse -Force -ErrorAction SilentlyContinue }

    It 'ids <Ids> (alike once sanitised, or on case- or normalisation-insensitive file systems) get separate files and the package checks clean' -ForEach @(
        @{ Ids = @('field/1', 'field_1') }, @{ Ids = @('field\1', 'field_1') }, @{ Ids = @('Field', 'field') },
        @{ Ids = @("caf$([char]0xe9)", "cafe$([char]0x301)") }
    ) {
        $case = (New-Item -ItemType Directory -Path (Join-Path $source ([guid]::NewGuid().ToString('N')))).FullName
        $pkg = Join-Path $dir ([guid]::NewGuid().ToString('N'))
        Push-Location -LiteralPath $case
        try {
            $items = for ($i = 0; $i -lt $Ids.Count; $i++) {
                [IO.File]::WriteAllText((Join-Path $case "$i.bin"), "bytes of $($Ids[$i])")
                New-TestItem -Id $Ids[$i] -Assets ([ordered]@{ data = "$i.bin" })
            }
            $null = $items | New-StacPackage -Path $pkg -IncludeAssets
        }
        finally { Pop-Location }
        Test-StacPackage -Path $pkg | Where-Object Status -EQ 'Failed' | Should -BeNullOrEmpty
        $rows = @(Import-StacAssetLock -LiteralPath $pkg)
        $rows.ItemId | Should -Be $Ids
        @($rows.Key | ForEach-Object { $_.Normalize([Text.NormalizationForm]::FormC).ToUpperInvariant() } | Sort-Object -Unique).Count | Should -Be $Ids.Count
        foreach ($row in $rows) { [IO.File]::ReadAllText((Join-Path $pkg $row.Key)) | Should -Be "bytes of $($row.ItemId)" }
    }

    It 'an Item whose asset href is /etc/passwd (or a hidden file) is refused: no package, the error names the item and asset' {
        [IO.File]::WriteAllText((Join-Path $source 'good.bin'), 'good bytes')
        [IO.File]::WriteAllText((Join-Path $source '.env'), 'TOKEN=hidden')
        $pkg = Join-Path $dir 'thief'
        $before = Get-Entries $dir
        Push-Location -LiteralPath $source
        try {
            $items = @(
                New-TestItem -Id 'fine' -Assets ([ordered]@{ data = 'good.bin' })
                New-TestItem -Id 'thief' -Assets ([ordered]@{ env = '.env'; passwd = '/etc/passwd'; uri = 'file:///etc/passwd' })
            )
            { $items | New-StacPackage -Path $pkg -IncludeAssets -ErrorAction Stop } |
                Should -Throw -ExpectedMessage "*3 asset(s) failed*item 'thief' asset 'env': the local file '.env' is hidden*item 'thief' asset 'passwd': the local file '/etc/passwd' is outside the allowed roots*item 'thief' asset 'uri'*"
            Get-Entries $dir | Should -Be $before
            # The user who means it says so.
            $info = $items | New-StacPackage -Path $pkg -IncludeAssets -AllowAnyLocalPath
        }
        finally { Pop-Location }
        $info.AssetCount | Should -Be 4
        [IO.File]::ReadAllText((Join-Path $pkg 'assets/thief/passwd')) | Should -Be ([IO.File]::ReadAllText('/etc/passwd'))
    }

    It '-SourceRoot names the folders files may be bundled from' {
        $elsewhere = (New-Item -ItemType Directory -Path (Join-Path $source 'elsewhere')).FullName
        [IO.File]::WriteAllText((Join-Path $elsewhere 'a.bin'), 'a bytes')
        $item = New-TestItem -Id 'a' -Assets ([ordered]@{ data = (Join-Path $elsewhere 'a.bin') })
        Push-Location -LiteralPath $dir
        try {
            { $item | New-StacPackage -Path (Join-Path $dir 'unnamed') -IncludeAssets -ErrorAction Stop } | Should -Throw -ExpectedMessage '*outside the allowed roots*'
            $info = $item | New-StacPackage -Path (Join-Path $dir 'named') -IncludeAssets -SourceRoot $elsewhere
        }
        finally { Pop-Location }
        $info.AssetCount | Should -Be 1
    }
}

Describe 'Bundled assets from nginx' {
    BeforeAll {
        $script:nginx = Start-TestNginx
        $script:dir = New-TempDirectory 'bundle'
        if ($nginx) {
            $script:sources = [ordered]@{}
            foreach ($name in 'one', 'two', 'three') {
                $bytes = [byte[]]::new(100000 + $name.Length)
                [Random]::new($name.Length).NextBytes($bytes)
                [IO.File]::WriteAllBytes((Join-Path $nginx.Root "$name.tif"), $bytes)
                $sources[$name] = Get-Sha256 (Join-Path $nginx.Root "$name.tif")
            }
            $script:items = @(
                New-TestItem -Id 'i1' -Assets ([ordered]@{ visual = "$($nginx.BaseUrl)/one.tif"; data = "$($nginx.BaseUrl)/two.tif" })
                New-TestItem -Id 'i2' -Assets ([ordered]@{ visual = "$($nginx.BaseUrl)/three.tif" })
            )
        }
    }
    AfterAll {
        Stop-TestServer $nginx
        Remove-Item -LiteralPath $dir -Recurse -Force -ErrorAction SilentlyContinue
    }

    It 'copies the bytes with matching checksums and the package passes' {
        Skip-WithoutServer $nginx 'nginx'
        $pkg = Join-Path $dir 'pkg'
        $info = $items | New-StacPackage -Path $pkg -IncludeAssets -ThrottleLimit 2
        $info.AssetCount | Should -Be 3
        $info.KnownAssetBytes | Should -Be (100003 + 100003 + 100005)
        Get-Sha256 (Join-Path $pkg 'assets/i1/visual.tif') | Should -Be $sources['one']
        Get-Sha256 (Join-Path $pkg 'assets/i1/data.tif') | Should -Be $sources['two']
        Get-Sha256 (Join-Path $pkg 'assets/i2/visual.tif') | Should -Be $sources['three']
        ($info.Files | Where-Object Path -eq 'assets/i2/visual.tif').Sha256 | Should -Be $sources['three'].ToLowerInvariant()
        $lock = Import-StacAssetLock -Path $pkg
        $lock.StoreType | Sort-Object -Unique | Should -Be 'file'
        $lock | ForEach-Object { $_.FileChecksum | Should -Match '^1220[0-9a-f]{64}$' }
        Test-StacPackage -Path $pkg -ErrorVariable errs | Where-Object Status -ne 'Passed' | Should -BeNullOrEmpty
        $errs | Should -BeNullOrEmpty
    }

    It 'reports exactly the one bundled file that was tampered with' {
        Skip-WithoutServer $nginx 'nginx'
        $pkg = Join-Path $dir 'tampered'
        $items | New-StacPackage -Path $pkg -IncludeAssets | Out-Null
        $file = Join-Path $pkg 'assets/i1/data.tif'
        $bytes = [IO.File]::ReadAllBytes($file)
        $bytes[500] = $bytes[500] -bxor 0xFF
        [IO.File]::WriteAllBytes($file, $bytes)
        # Once against the lock row, once against the manifest: both name that file, and only it.
        $failed = @(Test-StacPackage -Path $pkg -ErrorVariable errs -ErrorAction SilentlyContinue | Where-Object Status -eq 'Failed')
        $failed | Should -HaveCount 2
        $failed.File | Should -Be @('assets/i1/data.tif', 'assets/i1/data.tif')
        $failed.Check | Should -Be @('manifest', 'lock-row')
        ($failed | Where-Object Check -eq 'lock-row').Target | Should -Be 'i1/data'
        $errs | Should -HaveCount 2
        "$($errs | Where-Object FullyQualifiedErrorId -Like 'PackageAssetInvalid,*')" | Should -BeLike '*assets/i1/data.tif*checksum*'
        "$($errs | Where-Object FullyQualifiedErrorId -Like 'PackageFileMismatch,*')" | Should -BeLike '*assets/i1/data.tif*sha256*'
    }
}

Describe 'Links and files a package does not define (issue 11: the package is what it defines)' {
    BeforeAll {
        $script:dir = New-TempDirectory 'foreign'
        # The issue's reference package, built as a user would from the repository root.
        Push-Location $RepoRoot
        try {
            Import-StacItem ./samples/local/items.ndjson | New-StacPackage (Join-Path $dir 'ref.pkg') -IncludeAssets | Out-Null
        }
        finally {
            Pop-Location
        }
        $script:ref = Join-Path $dir 'ref.pkg'
        $script:secret = Join-Path $dir 'secret.txt'
        Set-Content -LiteralPath $secret -Value 'root:x:0:0:planted-secret'
    }
    AfterAll { Remove-Item -LiteralPath $dir -Recurse -Force -ErrorAction SilentlyContinue }

    It 'Test-StacPackage fails each link and foreign file by name, and Get-StacPackage lists none of them and ends despite a loop' {
        $pkg = Join-Path $dir 'a.pkg'
        Copy-Item -LiteralPath $ref -Destination $pkg -Recurse
        Add-ForeignContent $pkg
        # A bundled asset swapped for a link to a file with the very same bytes: still refused, never read.
        $asset = Join-Path $pkg 'assets/field-1/data.csv'
        Move-Item -LiteralPath $asset -Destination (Join-Path $dir 'data.csv')
        $null = New-Item -ItemType SymbolicLink -Path $asset -Target (Join-Path $dir 'data.csv')
        $expected = @('.env', '.git/config', 'assets/field-1/data.csv', 'assets/loop', 'passwd.txt', 'ssl-link')

        $results = Test-StacPackage -Path $pkg -ErrorVariable errs -ErrorAction SilentlyContinue
        $undefined = @($results | Where-Object Check -eq 'undefined-content')
        $undefined.Target | Should -Be $expected
        $undefined.Status | Sort-Object -Unique | Should -Be 'Failed'
        ($undefined | Where-Object Target -eq 'passwd.txt').Message | Should -BeLike "*link to '/etc/passwd'*"
        ($results | Where-Object { $_.Check -eq 'lock-row' -and $_.File -eq 'assets/field-1/data.csv' }).Status | Should -Be 'Failed'
        ($errs | Where-Object FullyQualifiedErrorId -Like 'PackageHasUndefinedContent,*') | Should -HaveCount 6
        (Invoke-ChildPwsh "Import-Module '$ModulePath'; Test-StacPackage -Path '$pkg' > `$null").ExitCode | Should -Not -Be 0

        $info = Get-StacPackage -Path $pkg -WarningVariable warnings -ErrorVariable gerrs -ErrorAction SilentlyContinue -WarningAction SilentlyContinue
        $info.Files.Path | Should -Be @('assets.lock.parquet', 'assets/field-1/notes.txt', 'assets/field-2/data.csv', 'assets/field-2/notes.txt', 'items.parquet', 'stacpkg.manifest.json')
        $info.UndefinedEntries.Path | Should -Be $expected
        $warnings | Should -HaveCount 6
        "$warnings" | Should -BeLike '*passwd.txt*'
        $gerrs | Should -HaveCount 1
        $gerrs[0].FullyQualifiedErrorId | Should -BeLike 'PackageFileMismatch,*'
        "$($gerrs[0])" | Should -BeLike '*assets/field-1/data.csv*'
    }

    It 'Test-StacAssetLock checks a package''s bundled rows inside the package, from any location' {
        Push-Location -LiteralPath ([IO.Path]::GetTempPath())
        try {
            $results = @(Import-StacAssetLock -Path $ref | Test-StacAssetLock -Checksum -ErrorVariable errs -ErrorAction SilentlyContinue)
            $results | Should -HaveCount 4
            $results.Valid | Sort-Object -Unique | Should -Be $true
            $errs | Should -HaveCount 0
        }
        finally {
            Pop-Location
        }
    }

    It 'a package from before the manifest: a warning, and only files outside its tables, lock rows and visible top level fail' {
        $pkg = Join-Path $dir 'old.pkg'
        Copy-Item -LiteralPath $ref -Destination $pkg -Recurse
        Remove-Item -LiteralPath (Join-Path $pkg 'stacpkg.manifest.json')
        Set-Content -LiteralPath (Join-Path $pkg 'README.md') -Value '# old'
        Set-Content -LiteralPath (Join-Path $pkg '.env') -Value 'TOKEN=planted'
        $results = Test-StacPackage -Path $pkg -ErrorAction SilentlyContinue
        ($results | Where-Object Check -eq 'manifest').Status | Should -Be 'Warning'
        ($results | Where-Object Status -eq 'Failed').Target | Should -Be '.env'
    }

    It 'a flipped byte that leaves items.parquet readable fails the manifest check' {
        $pkg = Join-Path $dir 'flipped.pkg'
        Copy-Item -LiteralPath $ref -Destination $pkg -Recurse
        $file = Join-Path $pkg 'items.parquet'
        $original = [IO.File]::ReadAllBytes($file)
        $json = { Import-StacItem -Path $file -ErrorAction Stop | ConvertTo-StacJson -Compress | Out-String }
        $before = & $json
        $changed = $false
        for ($i = 4; $i -lt $original.Length - 8 -and -not $changed; $i++) {
            $bytes = $original.Clone()
            $bytes[$i] = $bytes[$i] -bxor 1
            [IO.File]::WriteAllBytes($file, $bytes)
            try { $changed = (& $json) -ne $before } catch { $changed = $false }
        }
        $changed | Should -BeTrue -Because 'some single-bit flip keeps the table readable with other values'
        $results = Test-StacPackage -Path $pkg -ErrorVariable errs -ErrorAction SilentlyContinue
        ($results | Where-Object Check -eq 'items-table').Status | Should -Be 'Passed'
        $failed = @($results | Where-Object Status -eq 'Failed')
        $failed | Should -HaveCount 1
        $failed[0].Check | Should -Be 'manifest'
        $failed[0].Target | Should -Be 'items.parquet'
        $errs[0].FullyQualifiedErrorId | Should -BeLike 'PackageFileMismatch,*'
    }
}
