# Packages through a real OCI registry (the Distribution registry, Debian docker-registry) as a user
# pushes and pulls them: byte-identical round trips, no re-upload, mounts, basic auth over TLS with a
# CA made here, and pulls that must refuse what is not the package (wrong type, missing layer, wrong
# bytes, unsafe paths) without writing anything under -Path.

BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    . (Join-Path $PSScriptRoot 'TestServers.ps1')
    Import-Module $ModulePath -Force

    function New-TempDirectory([string] $Name) {
        (New-Item -ItemType Directory -Path (Join-Path ([IO.Path]::GetTempPath()) "stacpkg-$Name-$([guid]::NewGuid().ToString('N').Substring(0, 8))")).FullName
    }

    function Get-Sha256([string] $Path) { (Get-FileHash -LiteralPath $Path -Algorithm SHA256).Hash }

    # Every file under a folder with its hash, hidden ones included: proves two packages are byte-identical.
    function Get-Snapshot([string] $Path) {
        Get-ChildItem -LiteralPath $Path -Recurse -File -Force | Sort-Object FullName |
            ForEach-Object { "$([IO.Path]::GetRelativePath($Path, $_.FullName))=$(Get-Sha256 $_.FullName)" }
    }

    # Entries of a folder, hidden ones included: a failed pull must leave no temp folder behind either.
    function Get-Entries([string] $Path) { @(Get-ChildItem -LiteralPath $Path -Force | ForEach-Object Name | Sort-Object) }

    function New-RandomFile([string] $Path, [int] $Size, [int] $Seed) {
        $bytes = [byte[]]::new($Size)
        [Random]::new($Seed).NextBytes($bytes)
        [IO.File]::WriteAllBytes($Path, $bytes)
    }

    # A package with bundled assets (one larger than 1 MiB, to be chunked) and two extra files, built
    # from files in $Dir at -Target (default $Dir/pkg); the same $Dir gives the same Items.
    function New-TestPackage([string] $Dir, [string] $Target = (Join-Path $Dir 'pkg'), [int] $Seed = 1) {
        $Name = Split-Path -Leaf $Target
        $src = (New-Item -ItemType Directory -Path (Join-Path $Dir 'src') -Force).FullName
        New-RandomFile (Join-Path $src 'big.tif') (3MB + 17) $Seed
        New-RandomFile (Join-Path $src 'small.tif') 1000 ($Seed + 1)
        New-RandomFile (Join-Path $src 'thumb.png') 500 ($Seed + 2)
        Set-Content -LiteralPath (Join-Path $src 'README.md') -Value "# $Name"
        Set-Content -LiteralPath (Join-Path $src 'LICENSE.txt') -Value 'CC-BY-4.0'
        $items = foreach ($item in @(
                @{ id = 'scene-1'; assets = @{ data = @{ href = (Join-Path $src 'big.tif') }; thumbnail = @{ href = (Join-Path $src 'thumb.png') } } }
                @{ id = 'scene-2'; assets = @{ data = @{ href = (Join-Path $src 'small.tif') } } })) {
            [ordered]@{
                type = 'Feature'; stac_version = '1.0.0'; id = $item.id; collection = 'oci-test'; geometry = $null
                properties = @{ datetime = '2024-01-01T00:00:00Z' }; links = @(); assets = $item.assets
            } | ConvertTo-Json -Depth 10 -Compress
        }
        $path = $Target
        $items | ConvertFrom-StacJson | New-StacPackage -Path $path -IncludeAssets -SourceRoot $src -Include (Join-Path $src 'README.md'), (Join-Path $src 'LICENSE.txt') | Out-Null
        $path
    }

    function Get-Digest([byte[]] $Bytes) {
        'sha256:' + [Convert]::ToHexString([Security.Cryptography.SHA256]::HashData($Bytes)).ToLowerInvariant()
    }

    # Raw registry calls (plain http), for artifacts Publish-StacPackage would never make.
    function Send-RawBlob($Registry, [string] $Repository, [byte[]] $Bytes) {
        $start = Invoke-WebRequest -Method Post -Uri "$($Registry.BaseUrl)/v2/$Repository/blobs/uploads/"
        $location = [Uri]::new([Uri]$Registry.BaseUrl, @($start.Headers['Location'])[0]).AbsoluteUri
        $digest = Get-Digest $Bytes
        $separator = if ($location.Contains('?')) { '&' } else { '?' }
        $null = Invoke-WebRequest -Method Put -Uri "$location${separator}digest=$digest" -Body $Bytes -ContentType 'application/octet-stream'
        [ordered]@{ digest = $digest; size = $Bytes.Length }
    }

    function Send-RawManifest($Registry, [string] $Repository, [string] $Tag, $Manifest) {
        $json = $Manifest | ConvertTo-Json -Depth 10 -Compress
        $null = Invoke-WebRequest -Method Put -Uri "$($Registry.BaseUrl)/v2/$Repository/manifests/$Tag" `
            -Body ([Text.Encoding]::UTF8.GetBytes($json)) -ContentType 'application/vnd.oci.image.manifest.v1+json'
    }

    function New-RawManifest([string] $ArtifactType, [object[]] $Layers) {
        $config = Send-RawBlob $registry 'stac/raw' ([Text.Encoding]::ASCII.GetBytes('{}'))
        [ordered]@{
            schemaVersion = 2; mediaType = 'application/vnd.oci.image.manifest.v1+json'; artifactType = $ArtifactType
            config = [ordered]@{ mediaType = 'application/vnd.oci.empty.v1+json'; digest = $config.digest; size = $config.size }
            layers = @($Layers)
        }
    }

    function New-RawLayer([string] $MediaType, [string] $Title, [byte[]] $Bytes) {
        $blob = Send-RawBlob $registry 'stac/raw' $Bytes
        [ordered]@{ mediaType = $MediaType; digest = $blob.digest; size = $blob.size; annotations = @{ 'org.opencontainers.image.title' = $Title } }
    }

    # Requests the registry logged for a repository, as "METHOD uri".
    function Get-RegistryRequests($Registry, [string] $Repository) {
        Get-Content -LiteralPath $Registry.Log | Where-Object { $_ -match 'response completed' } | ForEach-Object {
            if ($_ -match 'http\.request\.method=(\S+).*http\.request\.uri="?([^" ]+)') { "$($Matches[1]) $($Matches[2])" }
        } | Where-Object { $_ -like "* /v2/$Repository/*" }
    }

    # Expects a Save-StacPackage to fail with the given error id and nothing written beside or under -Path.
    function Assert-SaveRefused([scriptblock] $Save, [string] $Parent, [string] $ErrorId) {
        $before = Get-Entries $Parent
        $failure = $Save | Should -Throw -PassThru
        $failure.FullyQualifiedErrorId | Should -BeLike "$ErrorId,*"
        Get-Entries $Parent | Should -Be $before -Because 'a failed pull writes nothing, not even a temp folder'
        $failure
    }

    $script:registry = Start-TestRegistry
    $script:work = New-TempDirectory 'oci'
    if ($registry) {
        $script:package = New-TestPackage $work
        $script:reference = "$($registry.Host)/stac/round-trip:v1"
    }
}

AfterAll {
    Stop-TestServer $registry
    Remove-Item -LiteralPath $work -Recurse -Force -ErrorAction SilentlyContinue
}

Describe 'Publish-StacPackage and Save-StacPackage against the Distribution registry' {
    It 'round-trips a package with bundled assets and extra files byte for byte, and the pulled copy passes Test-StacPackage' {
        Skip-WithoutServer $registry 'docker-registry'
        $pushed = Publish-StacPackage -Path $package -Reference $reference -PlainHttp -ChunkSize 1MB
        $pushed.Reference | Should -Be $reference
        $pushed.Digest | Should -Match '^sha256:[a-f0-9]{64}$'
        $pushed.ArtifactType | Should -Be 'application/vnd.stacpkg.package.v1+json'
        $pushed.MediaType | Should -Be 'application/vnd.oci.image.manifest.v1+json'
        # items, lock, three assets, README, LICENSE, the package manifest; plus the empty config blob.
        $pushed.Layers | Should -Be 8
        $pushed.BlobsUploaded | Should -Be 9
        $pushed.BlobsPresent | Should -Be 0
        # The 3 MiB asset went up in 1 MiB PATCH chunks.
        @(Get-RegistryRequests $registry 'stac/round-trip' | Where-Object { $_ -like 'PATCH *' }).Count | Should -Be 4

        $target = Join-Path $work 'pulled'
        $pulled = Save-StacPackage -Reference $reference -Path $target -PlainHttp
        $pulled.Digest | Should -Be $pushed.Digest
        $pulled.BlobsDownloaded | Should -Be 8
        $pulled.Path | Should -Be $target
        Get-Snapshot $target | Should -Be (Get-Snapshot $package)
        $checks = @(Test-StacPackage -Path $target)
        $checks.Count | Should -BeGreaterThan 3
        @($checks | Where-Object Status -EQ 'Failed').Count | Should -Be 0
    }

    It 'writes the manifest of DESIGN.md: artifactType, empty config, titled layers with stacpkg media types, sorted, no annotations' {
        Skip-WithoutServer $registry 'docker-registry'
        $response = Invoke-WebRequest -Uri "$($registry.BaseUrl)/v2/stac/round-trip/manifests/v1" -Headers @{ Accept = 'application/vnd.oci.image.manifest.v1+json' }
        $text = [Text.Encoding]::UTF8.GetString($response.Content)
        # Canonical bytes: compact, '+' written as itself (not \u002B), so other implementations get the same digest.
        $text | Should -BeLike '{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","artifactType":"application/vnd.stacpkg.package.v1+json","config":*'
        $manifest = $text | ConvertFrom-Json -AsHashtable
        $manifest.artifactType | Should -Be 'application/vnd.stacpkg.package.v1+json'
        $manifest.config.mediaType | Should -Be 'application/vnd.oci.empty.v1+json'
        $manifest.config.size | Should -Be 2
        $manifest.Contains('annotations') | Should -BeFalse -Because 'no created annotation unless the user gives one'
        $titles = @($manifest.layers | ForEach-Object { $_.annotations['org.opencontainers.image.title'] })
        $titles | Should -Be @('LICENSE.txt', 'README.md', 'assets.lock.parquet', 'assets/scene-1/data.tif', 'assets/scene-1/thumbnail.png', 'assets/scene-2/data.tif', 'items.parquet', 'stacpkg.manifest.json')
        $types = @{}
        foreach ($layer in $manifest.layers) { $types[$layer.annotations['org.opencontainers.image.title']] = $layer.mediaType }
        $types['items.parquet'] | Should -Be 'application/vnd.stacpkg.items.v1.parquet'
        $types['assets.lock.parquet'] | Should -Be 'application/vnd.stacpkg.asset-lock.v1.parquet'
        $types['assets/scene-1/data.tif'] | Should -Be 'application/vnd.stacpkg.asset.v1'
        $types['README.md'] | Should -Be 'text/markdown'
        $types['LICENSE.txt'] | Should -Be 'text/plain'
        $types['stacpkg.manifest.json'] | Should -Be 'application/vnd.stacpkg.manifest.v1+json'
        foreach ($layer in $manifest.layers) {
            $file = Join-Path $package $layer.annotations['org.opencontainers.image.title']
            $layer.digest | Should -Be "sha256:$((Get-Sha256 $file).ToLowerInvariant())"
            $layer.size | Should -Be (Get-Item -LiteralPath $file).Length
        }
    }

    It 'uploads no blob the second time, and gives the same manifest digest' {
        Skip-WithoutServer $registry 'docker-registry'
        $first = Save-StacPackage -Reference $reference -Path (Join-Path $work 'digest-check') -PlainHttp
        $before = @(Get-RegistryRequests $registry 'stac/round-trip' | Where-Object { $_ -match '^(PUT|PATCH|POST) /v2/stac/round-trip/blobs/' }).Count
        $again = Publish-StacPackage -Path $package -Reference $reference -PlainHttp
        $again.BlobsUploaded | Should -Be 0
        $again.BlobsPresent | Should -Be 9
        $again.BytesTransferred | Should -Be 0
        $again.Digest | Should -Be $first.Digest
        @(Get-RegistryRequests $registry 'stac/round-trip' | Where-Object { $_ -match '^(PUT|PATCH|POST) /v2/stac/round-trip/blobs/' }).Count | Should -Be $before -Because 'the registry saw no upload'
    }

    It 'gives the same digest for a rebuilt package from the same Items, and another with -Annotation' {
        Skip-WithoutServer $registry 'docker-registry'
        $rebuilt = New-TestPackage $work -Target (Join-Path (New-TempDirectory 'oci-rebuild') 'pkg')
        $same = Publish-StacPackage -Path $rebuilt -Reference "$($registry.Host)/stac/rebuilt:v1" -PlainHttp
        $same.Digest | Should -Be (Publish-StacPackage -Path $package -Reference $reference -PlainHttp).Digest
        $annotated = Publish-StacPackage -Path $package -Reference "$($registry.Host)/stac/round-trip:annotated" -PlainHttp `
            -Annotation @{ 'org.opencontainers.image.created' = '2024-05-01T00:00:00Z' }
        $annotated.Digest | Should -Not -Be $same.Digest
        $response = Invoke-WebRequest -Uri "$($registry.BaseUrl)/v2/stac/round-trip/manifests/annotated" -Headers @{ Accept = 'application/vnd.oci.image.manifest.v1+json' }
        [Text.Encoding]::UTF8.GetString($response.Content) | Should -BeLike '*"annotations":{"org.opencontainers.image.created":"2024-05-01T00:00:00Z"}}'
    }

    It 'mounts every blob from another repository with -MountFrom instead of uploading it' {
        Skip-WithoutServer $registry 'docker-registry'
        $mounted = Publish-StacPackage -Path $package -Reference "$($registry.Host)/stac/mounted:v1" -MountFrom 'stac/round-trip' -PlainHttp
        $mounted.BlobsMounted | Should -Be 9
        $mounted.BlobsUploaded | Should -Be 0
        @(Get-RegistryRequests $registry 'stac/mounted' | Where-Object { $_ -like 'POST *mount=*' }).Count | Should -Be 9
        $target = Join-Path $work 'mounted'
        Save-StacPackage -Reference "$($registry.Host)/stac/mounted:v1" -Path $target -PlainHttp | Out-Null
        Get-Snapshot $target | Should -Be (Get-Snapshot $package)
    }

    It 'pulls by digest; refuses an existing -Path without -Force and replaces it with -Force' {
        Skip-WithoutServer $registry 'docker-registry'
        $digest = (Publish-StacPackage -Path $package -Reference $reference -PlainHttp).Digest
        $target = Join-Path $work 'by-digest'
        Save-StacPackage -Reference "$($registry.Host)/stac/round-trip@$digest" -Path $target -PlainHttp | Out-Null
        Get-Snapshot $target | Should -Be (Get-Snapshot $package)
        { Save-StacPackage -Reference $reference -Path $target -PlainHttp } | Should -Throw '*already exists*-Force*'
        Remove-Item -LiteralPath (Join-Path $target 'README.md')
        Save-StacPackage -Reference $reference -Path $target -PlainHttp -Force | Out-Null
        Get-Snapshot $target | Should -Be (Get-Snapshot $package)
    }

    It '-WhatIf pushes and writes nothing' {
        Skip-WithoutServer $registry 'docker-registry'
        Publish-StacPackage -Path $package -Reference "$($registry.Host)/stac/whatif:v1" -PlainHttp -WhatIf | Should -BeNullOrEmpty
        @(Get-RegistryRequests $registry 'stac/whatif').Count | Should -Be 0
        $target = Join-Path $work 'whatif'
        Save-StacPackage -Reference $reference -Path $target -PlainHttp -WhatIf | Should -BeNullOrEmpty
        Test-Path -LiteralPath $target | Should -BeFalse
    }

    It 'a stop mid-pull or mid-push (as Ctrl+C) returns promptly: the pull writes nothing under -Path, the push tags nothing' {
        Skip-WithoutServer $registry 'docker-registry'
        $dir = New-TempDirectory 'oci-stop'
        $src = Join-Path $dir 'big.bin'
        New-RandomFile $src 200MB 5
        $json = [ordered]@{
            type = 'Feature'; stac_version = '1.0.0'; id = 'big'; geometry = $null; properties = @{ datetime = '2024-01-01T00:00:00Z' }
            links = @(); assets = @{ data = @{ href = $src } }
        } | ConvertTo-Json -Depth 5 -Compress
        $big = Join-Path $dir 'big.pkg'
        $json | ConvertFrom-StacJson | New-StacPackage -Path $big -IncludeAssets -SourceRoot $dir | Out-Null
        Remove-Item -LiteralPath $src
        $bigReference = "$($registry.Host)/stac/big:v1"
        Publish-StacPackage -Path $big -Reference $bigReference -PlainHttp | Out-Null
        $parent = New-TempDirectory 'oci-stop-target'
        $target = Join-Path $parent 'pulled'
        $ps = [powershell]::Create()
        try {
            $null = $ps.AddScript({
                    param($ModulePath, $Reference, $Target)
                    Import-Module $ModulePath
                    Save-StacPackage -Reference $Reference -Path $Target -PlainHttp
                }).AddArgument($ModulePath).AddArgument($bigReference).AddArgument($target)
            $async = $ps.BeginInvoke()
            # The pull is under way once its hidden folder beside the target holds the asset being written.
            $deadline = [DateTime]::UtcNow.AddSeconds(30)
            while (-not (Get-ChildItem -LiteralPath $parent -Recurse -File -Force -Filter 'data*') -and -not $async.IsCompleted -and [DateTime]::UtcNow -lt $deadline) { Start-Sleep -Milliseconds 10 }
            $async.IsCompleted | Should -BeFalse -Because 'the pull must still be running when it is stopped'
            $watch = [Diagnostics.Stopwatch]::StartNew()
            $ps.Stop()
            $watch.Elapsed.TotalSeconds | Should -BeLessThan 5
            @($ps.EndInvoke($async)).Count | Should -Be 0 -Because 'a stopped pull reports no success'
        }
        catch [Management.Automation.PipelineStoppedException] {
            # EndInvoke of a stopped pipeline throws: that is the stop, not a failure.
        }
        finally {
            $ps.Dispose()
        }
        Get-Entries $parent | Should -BeNullOrEmpty -Because 'nothing under -Path and no temp folder beside it'

        # A push stopped while a blob goes up reports nothing and leaves no tag behind.
        $stoppedReference = "$($registry.Host)/stac/big-stopped:v1"
        $ps = [powershell]::Create()
        try {
            $null = $ps.AddScript({
                    param($ModulePath, $Path, $Reference)
                    Import-Module $ModulePath
                    Publish-StacPackage -Path $Path -Reference $Reference -PlainHttp -ChunkSize 8MB
                }).AddArgument($ModulePath).AddArgument($big).AddArgument($stoppedReference)
            $async = $ps.BeginInvoke()
            $deadline = [DateTime]::UtcNow.AddSeconds(30)
            while (-not @(Get-RegistryRequests $registry 'stac/big-stopped' | Where-Object { $_ -like 'PATCH *' }) -and -not $async.IsCompleted -and [DateTime]::UtcNow -lt $deadline) { Start-Sleep -Milliseconds 10 }
            $async.IsCompleted | Should -BeFalse -Because 'the push must still be running when it is stopped'
            $watch = [Diagnostics.Stopwatch]::StartNew()
            $ps.Stop()
            $watch.Elapsed.TotalSeconds | Should -BeLessThan 5
            @($ps.EndInvoke($async)).Count | Should -Be 0 -Because 'a stopped push reports no success'
        }
        catch [Management.Automation.PipelineStoppedException] {
            # EndInvoke of a stopped pipeline throws: that is the stop, not a failure.
        }
        finally {
            $ps.Dispose()
        }
        $manifest = Invoke-WebRequest -Uri "$($registry.BaseUrl)/v2/stac/big-stopped/manifests/v1" -SkipHttpErrorCheck
        $manifest.StatusCode | Should -Be 404 -Because 'the manifest goes last, so a stopped push never tags anything'
        Remove-Item -LiteralPath $dir, $parent -Recurse -Force
    }

    It 'packs more bundled assets than the threshold into a zip layer that round-trips' {
        Skip-WithoutServer $registry 'docker-registry'
        $dir = New-TempDirectory 'oci-many'
        $src = (New-Item -ItemType Directory -Path (Join-Path $dir 'src')).FullName
        $lines = foreach ($i in 1..300) {
            $file = Join-Path $src "a$i.tif"
            [IO.File]::WriteAllText($file, "asset $i")
            [ordered]@{ type = 'Feature'; stac_version = '1.0.0'; id = ('many-{0:D3}' -f $i); geometry = $null; properties = @{ datetime = '2024-01-01T00:00:00Z' }
                links = @(); assets = @{ data = @{ href = $file } } } | ConvertTo-Json -Depth 5 -Compress
        }
        $many = Join-Path $dir 'many.pkg'
        $lines | ConvertFrom-StacJson | New-StacPackage -Path $many -IncludeAssets -SourceRoot $src -ThrottleLimit 16 | Out-Null
        $pushed = Publish-StacPackage -Path $many -Reference "$($registry.Host)/stac/many:v1" -PlainHttp
        $pushed.Layers | Should -Be 4
        $response = Invoke-WebRequest -Uri "$($registry.BaseUrl)/v2/stac/many/manifests/v1" -Headers @{ Accept = 'application/vnd.oci.image.manifest.v1+json' }
        $layers = ([Text.Encoding]::UTF8.GetString($response.Content) | ConvertFrom-Json).layers
        @($layers.mediaType) | Should -Be @('application/vnd.stacpkg.files.v1+zip', 'application/vnd.stacpkg.asset-lock.v1.parquet', 'application/vnd.stacpkg.items.v1.parquet', 'application/vnd.stacpkg.manifest.v1+json')
        $target = Join-Path $dir 'pulled'
        Save-StacPackage -Reference "$($registry.Host)/stac/many:v1" -Path $target -PlainHttp | Out-Null
        Get-Snapshot $target | Should -Be (Get-Snapshot $many)
        @(Test-StacPackage -Path $target | Where-Object Status -EQ 'Failed').Count | Should -Be 0
        # The zip is the same bytes on a second push: nothing goes up again.
        (Publish-StacPackage -Path $many -Reference "$($registry.Host)/stac/many:v1" -PlainHttp).BlobsUploaded | Should -Be 0
        Remove-Item -LiteralPath $dir -Recurse -Force
    }
}

Describe 'Save-StacPackage refuses what is not the package' {
    It 'Publish-StacPackage refuses a folder that is not a package and pushes nothing' {
        Skip-WithoutServer $registry 'docker-registry'
        $folder = New-TempDirectory 'oci-not-a-package'
        Set-Content -LiteralPath (Join-Path $folder 'README.md') -Value 'not a package'
        $failure = { Publish-StacPackage -Path $folder -Reference "$($registry.Host)/stac/not-a-package:v1" -PlainHttp } | Should -Throw -PassThru
        $failure.FullyQualifiedErrorId | Should -BeLike 'PackageNotReadable,*'
        $failure.Exception.Message | Should -BeLike '*is not a package*items.parquet*'
        @(Get-RegistryRequests $registry 'stac/not-a-package').Count | Should -Be 0
    }

    It 'an unknown reference: not found, nothing written' {
        Skip-WithoutServer $registry 'docker-registry'
        $parent = New-TempDirectory 'oci-unknown'
        $failure = Assert-SaveRefused { Save-StacPackage -Reference "$($registry.Host)/stac/nothing-here:v9" -Path (Join-Path $parent 'x') -PlainHttp } $parent 'OciNotFound'
        $failure.CategoryInfo.Category | Should -Be 'ObjectNotFound'
        $failure.Exception.Message | Should -BeLike '*stac/nothing-here:v9*not found*'
        $failure = Assert-SaveRefused { Save-StacPackage -Reference "$($registry.Host)/stac/round-trip:missing-tag" -Path (Join-Path $parent 'x') -PlainHttp } $parent 'OciNotFound'
        $failure.Exception.Message | Should -BeLike '*missing-tag*'
    }

    It 'a reference that does not parse names the part that is wrong' {
        $failure = { Save-StacPackage -Reference 'no-registry-here' -Path (Join-Path $work 'x') -PlainHttp } | Should -Throw -PassThru
        $failure.FullyQualifiedErrorId | Should -BeLike 'InvalidOciReference,*'
        $failure.Exception.Message | Should -BeLike '*registry/repository:tag*'
        { Save-StacPackage -Reference 'localhost:5000/Upper/Case:v1' -Path (Join-Path $work 'x') } | Should -Throw '*not a valid repository name*'
    }

    It 'a manifest with another artifactType' {
        Skip-WithoutServer $registry 'docker-registry'
        $layer = New-RawLayer 'application/vnd.stacpkg.items.v1.parquet' 'items.parquet' ([byte[]](1, 2, 3))
        Send-RawManifest $registry 'stac/raw' 'other-type' (New-RawManifest 'application/vnd.example.thing.v1' @($layer))
        $parent = New-TempDirectory 'oci-type'
        $failure = Assert-SaveRefused { Save-StacPackage -Reference "$($registry.Host)/stac/raw:other-type" -Path (Join-Path $parent 'x') -PlainHttp } $parent 'OciInvalidArtifact'
        $failure.CategoryInfo.Category | Should -Be 'InvalidData'
        $failure.Exception.Message | Should -BeLike "*not a stacpkg package*'application/vnd.example.thing.v1'*"
    }

    It 'a layer missing from the registry names the layer' {
        Skip-WithoutServer $registry 'docker-registry'
        $repository = 'stac/missing-layer'
        Publish-StacPackage -Path $package -Reference "$($registry.Host)/${repository}:v1" -PlainHttp | Out-Null
        $digest = "sha256:$((Get-Sha256 (Join-Path $package 'README.md')).ToLowerInvariant())"
        $null = Invoke-WebRequest -Method Delete -Uri "$($registry.BaseUrl)/v2/$repository/blobs/$digest"
        $parent = New-TempDirectory 'oci-missing'
        $failure = Assert-SaveRefused { Save-StacPackage -Reference "$($registry.Host)/${repository}:v1" -Path (Join-Path $parent 'x') -PlainHttp } $parent 'OciNotFound'
        $failure.Exception.Message | Should -BeLike "*layer 'README.md'*$digest*"
    }

    It 'a registry that serves wrong bytes: the digest check fails, nothing written' {
        Skip-WithoutServer $registry 'docker-registry'
        $proxy = Start-TestTamperProxy $registry
        try {
            Skip-WithoutServer $proxy 'tamper proxy'
            $parent = New-TempDirectory 'oci-tamper'
            $failure = Assert-SaveRefused { Save-StacPackage -Reference "$($proxy.Host)/stac/round-trip:v1" -Path (Join-Path $parent 'x') -PlainHttp } $parent 'OciInvalidArtifact'
            $failure.Exception.Message | Should -BeLike "*layer '*'*have digest sha256:*, not sha256:*"
        }
        finally {
            Stop-TestServer $proxy
        }
    }

    It 'a byte flipped on the wire once: the digest check fails that download, it is fetched again, and the pull is the package' {
        Skip-WithoutServer $registry 'docker-registry'
        $proxy = Start-TestTamperProxy $registry -Times 1
        try {
            Skip-WithoutServer $proxy 'tamper proxy'
            $target = Join-Path (New-TempDirectory 'oci-flip-once') 'x'
            $null = Save-StacPackage -Reference "$($proxy.Host)/stac/round-trip:v1" -Path $target -PlainHttp -ThrottleLimit 1
            Get-Snapshot $target | Should -Be (Get-Snapshot $package)
        }
        finally {
            Stop-TestServer $proxy
        }
    }

    It 'layer titles and zip entries that are absolute, climb out with .., or repeat another layer' {
        Skip-WithoutServer $registry 'docker-registry'
        $items = New-RawLayer 'application/vnd.stacpkg.items.v1.parquet' 'items.parquet' ([IO.File]::ReadAllBytes((Join-Path $package 'items.parquet')))
        $lock = New-RawLayer 'application/vnd.stacpkg.asset-lock.v1.parquet' 'assets.lock.parquet' ([IO.File]::ReadAllBytes((Join-Path $package 'assets.lock.parquet')))
        $parent = New-TempDirectory 'oci-unsafe'
        foreach ($title in '../evil.txt', '/etc/evil.txt', 'assets/../../evil.txt') {
            $evil = New-RawLayer 'text/plain' $title ([Text.Encoding]::ASCII.GetBytes('evil'))
            Send-RawManifest $registry 'stac/raw' 'unsafe-title' (New-RawManifest 'application/vnd.stacpkg.package.v1+json' @($items, $lock, $evil))
            $failure = Assert-SaveRefused { Save-StacPackage -Reference "$($registry.Host)/stac/raw:unsafe-title" -Path (Join-Path $parent 'x') -PlainHttp } $parent 'OciInvalidArtifact'
            $failure.Exception.Message | Should -BeLike "*'$title'*leaves the package*"
        }

        $readme = New-RawLayer 'text/markdown' 'README.md' ([Text.Encoding]::ASCII.GetBytes('one'))
        $other = New-RawLayer 'text/markdown' 'README.md' ([Text.Encoding]::ASCII.GetBytes('two'))
        Send-RawManifest $registry 'stac/raw' 'same-title' (New-RawManifest 'application/vnd.stacpkg.package.v1+json' @($items, $lock, $readme, $other))
        $failure = Assert-SaveRefused { Save-StacPackage -Reference "$($registry.Host)/stac/raw:same-title" -Path (Join-Path $parent 'x') -PlainHttp } $parent 'OciInvalidArtifact'
        $failure.Exception.Message | Should -BeLike "*title 'README.md' of another layer*"

        $zipPath = Join-Path $work 'evil.zip'
        $zip = [IO.Compression.ZipFile]::Open($zipPath, 'Create')
        try {
            $entry = $zip.CreateEntry('../evil.txt')
            $writer = [IO.StreamWriter]::new($entry.Open())
            $writer.Write('evil')
            $writer.Dispose()
        }
        finally {
            $zip.Dispose()
        }
        $zipLayer = New-RawLayer 'application/vnd.stacpkg.files.v1+zip' 'assets.0000.zip' ([IO.File]::ReadAllBytes($zipPath))
        Send-RawManifest $registry 'stac/raw' 'zip-slip' (New-RawManifest 'application/vnd.stacpkg.package.v1+json' @($items, $lock, $zipLayer))
        $failure = Assert-SaveRefused { Save-StacPackage -Reference "$($registry.Host)/stac/raw:zip-slip" -Path (Join-Path $parent 'x') -PlainHttp } $parent 'OciInvalidArtifact'
        $failure.Exception.Message | Should -BeLike "*zip entry '../evil.txt'*leaves the package*"
        Test-Path -LiteralPath (Join-Path $parent 'evil.txt') | Should -BeFalse
        Test-Path -LiteralPath (Join-Path $work 'evil.txt') | Should -BeFalse
    }

    It 'a layer title that is the folder of another title: both named, nothing written (not "Access denied")' {
        Skip-WithoutServer $registry 'docker-registry'
        $items = New-RawLayer 'application/vnd.stacpkg.items.v1.parquet' 'items.parquet' ([IO.File]::ReadAllBytes((Join-Path $package 'items.parquet')))
        $lock = New-RawLayer 'application/vnd.stacpkg.asset-lock.v1.parquet' 'assets.lock.parquet' ([IO.File]::ReadAllBytes((Join-Path $package 'assets.lock.parquet')))
        $file = New-RawLayer 'text/markdown' 'docs' ([Text.Encoding]::ASCII.GetBytes('a file'))
        $inside = New-RawLayer 'text/markdown' 'docs/a.md' ([Text.Encoding]::ASCII.GetBytes('in the folder'))
        Send-RawManifest $registry 'stac/raw' 'file-and-folder' (New-RawManifest 'application/vnd.stacpkg.package.v1+json' @($items, $lock, $inside, $file))
        $parent = New-TempDirectory 'oci-file-folder'
        $failure = Assert-SaveRefused { Save-StacPackage -Reference "$($registry.Host)/stac/raw:file-and-folder" -Path (Join-Path $parent 'x') -PlainHttp } $parent 'OciInvalidArtifact'
        $failure.Exception.Message | Should -BeLike "*layer titles 'docs' and 'docs/a.md' conflict: 'docs' cannot be both a file and the folder of 'docs/a.md'*"
    }

    It 'a layer title with a name longer than a file system holds: said so at once, nothing downloaded or retried' {
        Skip-WithoutServer $registry 'docker-registry'
        $items = New-RawLayer 'application/vnd.stacpkg.items.v1.parquet' 'items.parquet' ([IO.File]::ReadAllBytes((Join-Path $package 'items.parquet')))
        $lock = New-RawLayer 'application/vnd.stacpkg.asset-lock.v1.parquet' 'assets.lock.parquet' ([IO.File]::ReadAllBytes((Join-Path $package 'assets.lock.parquet')))
        $long = New-RawLayer 'text/markdown' "docs/$('n' * 300).md" ([Text.Encoding]::ASCII.GetBytes('long'))
        Send-RawManifest $registry 'stac/raw' 'long-title' (New-RawManifest 'application/vnd.stacpkg.package.v1+json' @($items, $lock, $long))
        $parent = New-TempDirectory 'oci-long-title'
        $watch = [Diagnostics.Stopwatch]::StartNew()
        $failure = Assert-SaveRefused { Save-StacPackage -Reference "$($registry.Host)/stac/raw:long-title" -Path (Join-Path $parent 'x') -PlainHttp } $parent 'OciInvalidArtifact'
        $watch.Elapsed.TotalSeconds | Should -BeLessThan 5
        $failure.Exception.Message | Should -BeLike '*layer 2 has a title with a name of 303 bytes*longer than the 255 a file system allows*'
        @(Get-RegistryRequests $registry 'stac/raw' | Where-Object { $_ -like "GET */blobs/$($long.digest)" }) | Should -BeNullOrEmpty
    }

    It 'a zip layer that expands beyond the sizes its lock declares (a zip bomb): refused early, nothing written' {
        Skip-WithoutServer $registry 'docker-registry'
        $items = New-RawLayer 'application/vnd.stacpkg.items.v1.parquet' 'items.parquet' ([IO.File]::ReadAllBytes((Join-Path $package 'items.parquet')))
        $lock = New-RawLayer 'application/vnd.stacpkg.asset-lock.v1.parquet' 'assets.lock.parquet' ([IO.File]::ReadAllBytes((Join-Path $package 'assets.lock.parquet')))
        $row = Import-StacAssetLock $package | Where-Object StoreType -eq 'file' | Sort-Object SizeBytes | Select-Object -First 1
        # 200 MB of zeros under a bundled asset's name deflate to a layer of a few hundred KB.
        $zipPath = Join-Path $work 'bomb.zip'
        $zip = [IO.Compression.ZipFile]::Open($zipPath, 'Create')
        try {
            $stream = $zip.CreateEntry($row.Key, [IO.Compression.CompressionLevel]::Optimal).Open()
            $block = [byte[]]::new(1MB)
            foreach ($i in 1..200) { $stream.Write($block, 0, $block.Length) }
            $stream.Dispose()
        }
        finally {
            $zip.Dispose()
        }
        (Get-Item -LiteralPath $zipPath).Length | Should -BeLessThan 1MB
        $zipLayer = New-RawLayer 'application/vnd.stacpkg.files.v1+zip' 'assets.0000.zip' ([IO.File]::ReadAllBytes($zipPath))
        Send-RawManifest $registry 'stac/raw' 'zip-bomb' (New-RawManifest 'application/vnd.stacpkg.package.v1+json' @($items, $lock, $zipLayer))
        $parent = New-TempDirectory 'oci-zip-bomb'
        $watch = [Diagnostics.Stopwatch]::StartNew()
        $failure = Assert-SaveRefused { Save-StacPackage -Reference "$($registry.Host)/stac/raw:zip-bomb" -Path (Join-Path $parent 'x') -PlainHttp } $parent 'OciInvalidArtifact'
        $watch.Elapsed.TotalSeconds | Should -BeLessThan 10
        $failure.Exception.Message | Should -BeLike "*zip entry '$($row.Key)' expands beyond $($row.SizeBytes) bytes, the size its lock row declares*"
    }
}

Describe 'Publish-StacPackage sends only what the package defines (issue 11)' {
    BeforeAll {
        # The package with links out of it, a link loop and foreign files dropped into its folder.
        function New-ForeignPackage([string] $Name) {
            $pkg = Join-Path (New-TempDirectory "oci-$Name") 'a.pkg'
            Copy-Item -LiteralPath $package -Destination $pkg -Recurse
            Add-ForeignContent $pkg
            $pkg
        }

        function Get-LayerTitles([string] $Repository) {
            $response = Invoke-WebRequest -Uri "$($registry.BaseUrl)/v2/$Repository/manifests/v1" -Headers @{ Accept = 'application/vnd.oci.image.manifest.v1+json' }
            @(([Text.Encoding]::UTF8.GetString($response.Content) | ConvertFrom-Json).layers | ForEach-Object { $_.annotations.'org.opencontainers.image.title' })
        }
    }

    It 'refuses a package holding links or foreign files, naming them, and pushes nothing' {
        Skip-WithoutServer $registry 'docker-registry'
        $pkg = New-ForeignPackage 'refuse'
        $failure = { Publish-StacPackage -Path $pkg -Reference "$($registry.Host)/stac/foreign-refused:v1" -PlainHttp } | Should -Throw -PassThru
        $failure.FullyQualifiedErrorId | Should -BeLike 'PackageHasUndefinedContent,*'
        foreach ($name in 'passwd.txt', 'ssl-link', '.env', '.git/config', 'assets/loop') { $failure.Exception.Message | Should -BeLike "*'$name'*" }
        $failure.Exception.Message | Should -BeLike '*-SkipUndefinedContent*'
        @(Get-RegistryRequests $registry 'stac/foreign-refused').Count | Should -Be 0 -Because 'nothing is sent before the check'
        (Invoke-WebRequest -Uri "$($registry.BaseUrl)/v2/stac/foreign-refused/manifests/v1" -SkipHttpErrorCheck).StatusCode | Should -Be 404
    }

    It 'with -SkipUndefinedContent pushes only the defined files and warns naming what it left out' {
        Skip-WithoutServer $registry 'docker-registry'
        $pkg = New-ForeignPackage 'skip'
        $pushed = Publish-StacPackage -Path $pkg -Reference "$($registry.Host)/stac/foreign-skipped:v1" -PlainHttp -SkipUndefinedContent -WarningVariable warnings -WarningAction SilentlyContinue
        $warnings | Should -HaveCount 1
        foreach ($name in 'passwd.txt', 'ssl-link', '.env', '.git/config', 'assets/loop') { "$warnings" | Should -BeLike "*'$name'*" }
        $pushed.Skipped.Path | Should -Be @('.env', '.git/config', 'assets/loop', 'passwd.txt', 'ssl-link')
        Get-LayerTitles 'stac/foreign-skipped' | Should -Be @('LICENSE.txt', 'README.md', 'assets.lock.parquet', 'assets/scene-1/data.tif', 'assets/scene-1/thumbnail.png', 'assets/scene-2/data.tif', 'items.parquet', 'stacpkg.manifest.json')
        $pushed.Digest | Should -Be (Publish-StacPackage -Path $package -Reference "$($registry.Host)/stac/foreign-clean:v1" -PlainHttp).Digest -Because 'what went up is exactly the clean package'
        $passwd = "sha256:$((Get-Sha256 '/etc/passwd').ToLowerInvariant())"
        (Invoke-WebRequest -Method Head -Uri "$($registry.BaseUrl)/v2/stac/foreign-skipped/blobs/$passwd" -SkipHttpErrorCheck).StatusCode | Should -Be 404
    }

    It 'refuses a package whose file differs from its manifest, and pushes nothing' {
        Skip-WithoutServer $registry 'docker-registry'
        $pkg = Join-Path (New-TempDirectory 'oci-corrupt') 'c.pkg'
        Copy-Item -LiteralPath $package -Destination $pkg -Recurse
        $file = Join-Path $pkg 'assets/scene-2/data.tif'
        $bytes = [IO.File]::ReadAllBytes($file)
        $bytes[10] = $bytes[10] -bxor 1
        [IO.File]::WriteAllBytes($file, $bytes)
        $failure = { Publish-StacPackage -Path $pkg -Reference "$($registry.Host)/stac/corrupt:v1" -PlainHttp -SkipUndefinedContent } | Should -Throw -PassThru
        $failure.FullyQualifiedErrorId | Should -BeLike 'PackageFileMismatch,*'
        $failure.Exception.Message | Should -BeLike "*'assets/scene-2/data.tif'*sha256*"
        @(Get-RegistryRequests $registry 'stac/corrupt').Count | Should -Be 0
    }

    It 'refuses a bundled file changed with its size and time forged to match (<Case>): the hash of the bytes sent finds it, nothing is tagged' -ForEach @(
        @{ Case = 'one PUT'; File = 'assets/scene-2/data.tif'; ChunkSize = 64MB; Seeded = $false }
        @{ Case = 'PATCH chunks'; File = 'assets/scene-1/data.tif'; ChunkSize = 1MB; Seeded = $false }
        @{ Case = 'blob already in the registry'; File = 'assets/scene-2/data.tif'; ChunkSize = 64MB; Seeded = $true }
    ) {
        Skip-WithoutServer $registry 'docker-registry'
        $repository = "stac/forged-$($Case.ToLowerInvariant() -replace '\W', '-')"
        # A package as New-StacPackage leaves it (a copy may not keep the files' times).
        $pkg = New-TestPackage (New-TempDirectory 'oci-forged')
        if ($Seeded) { $null = Publish-StacPackage -Path $pkg -Reference "$($registry.Host)/${repository}:clean" -PlainHttp }
        $path = Join-Path $pkg $File
        $recorded = 'sha256:' + (Get-Sha256 $path).ToLowerInvariant()
        $time = [IO.File]::GetLastWriteTimeUtc($path)
        $bytes = [IO.File]::ReadAllBytes($path)
        $bytes[$bytes.Length - 1] = $bytes[$bytes.Length - 1] -bxor 1
        [IO.File]::WriteAllBytes($path, $bytes)
        [IO.File]::SetLastWriteTimeUtc($path, $time)
        $tampered = Get-Digest $bytes

        $failure = { Publish-StacPackage -Path $pkg -Reference "$($registry.Host)/${repository}:v1" -PlainHttp -ChunkSize $ChunkSize } | Should -Throw -PassThru
        $failure.FullyQualifiedErrorId | Should -BeLike 'PackageFileMismatch,*'
        $failure.Exception.Message | Should -BeLike "*'$File' (its sha256 is $($tampered.Substring(7)), the stacpkg.manifest.json says $($recorded.Substring(7)))*"
        (Invoke-WebRequest -Uri "$($registry.BaseUrl)/v2/$repository/manifests/v1" -SkipHttpErrorCheck).StatusCode | Should -Be 404 -Because 'the manifest is put last, never after a failed layer'
        $tags = Invoke-WebRequest -Uri "$($registry.BaseUrl)/v2/$repository/tags/list" -SkipHttpErrorCheck
        if ($tags.StatusCode -eq 200) { @(($tags.Content | ConvertFrom-Json).tags) | Should -Not -Contain 'v1' }
        (Invoke-WebRequest -Method Head -Uri "$($registry.BaseUrl)/v2/$repository/blobs/$tampered" -SkipHttpErrorCheck).StatusCode | Should -Be 404 -Because 'the changed bytes were never committed'
        if (-not $Seeded) {
            (Invoke-WebRequest -Method Head -Uri "$($registry.BaseUrl)/v2/$repository/blobs/$recorded" -SkipHttpErrorCheck).StatusCode | Should -Be 404 -Because 'no blob is committed under the digest its bytes do not have'
        }
    }

    It 'Save-StacPackage refuses a pulled package whose file differs from its manifest, and writes nothing' {
        Skip-WithoutServer $registry 'docker-registry'
        # Every layer's bytes match their OCI digest; README.md (one bit changed) just is not what the package's manifest says.
        $layers = foreach ($file in Get-ChildItem -LiteralPath $package -Recurse -File) {
            $name = [IO.Path]::GetRelativePath($package, $file.FullName).Replace('\', '/')
            $bytes = [IO.File]::ReadAllBytes($file.FullName)
            if ($name -eq 'README.md') { $bytes[0] = $bytes[0] -bxor 1 }
            New-RawLayer 'application/octet-stream' $name $bytes
        }
        Send-RawManifest $registry 'stac/raw' 'manifest-mismatch' (New-RawManifest 'application/vnd.stacpkg.package.v1+json' @($layers))
        $parent = New-TempDirectory 'oci-manifest-mismatch'
        $failure = Assert-SaveRefused { Save-StacPackage -Reference "$($registry.Host)/stac/raw:manifest-mismatch" -Path (Join-Path $parent 'x') -PlainHttp } $parent 'OciInvalidArtifact'
        $failure.Exception.Message | Should -BeLike "*do not match*stacpkg.manifest.json: 'README.md' (its sha256 is *)"
    }

    It 'Save-StacPackage refuses layers the package does not define (a .git/config, a file its manifest does not list), and writes nothing' {
        Skip-WithoutServer $registry 'docker-registry'
        # Every file of the package as it is, plus what a hostile sender adds: git would run a .git/config's core.fsmonitor on "git status" in the folder.
        $layers = @(foreach ($file in Get-ChildItem -LiteralPath $package -Recurse -File) {
            New-RawLayer 'application/octet-stream' ([IO.Path]::GetRelativePath($package, $file.FullName).Replace('\', '/')) ([IO.File]::ReadAllBytes($file.FullName))
        })
        $layers += New-RawLayer 'application/octet-stream' '.git/config' ([Text.Encoding]::ASCII.GetBytes("[core]`n`tfsmonitor = touch /tmp/stacpkg-pwned`n"))
        $layers += New-RawLayer 'application/octet-stream' 'run-me.sh' ([Text.Encoding]::ASCII.GetBytes("echo planted`n"))
        Send-RawManifest $registry 'stac/raw' 'undefined-content' (New-RawManifest 'application/vnd.stacpkg.package.v1+json' $layers)
        $parent = New-TempDirectory 'oci-undefined'
        $failure = Assert-SaveRefused { Save-StacPackage -Reference "$($registry.Host)/stac/raw:undefined-content" -Path (Join-Path $parent 'x') -PlainHttp } $parent 'OciInvalidArtifact'
        $failure.Exception.Message | Should -BeLike "*'.git/config'*"
        $failure.Exception.Message | Should -BeLike "*'run-me.sh'*"
    }
}

Describe 'A registry with htpasswd basic auth over TLS (a CA made by the test)' {
    BeforeAll {
        $script:user = 'stac-user'
        $script:password = 'S3cret-Pa55-4711'
        $script:secure = Start-TestRegistry -User $user -Password $password -Tls
        if ($secure) {
            $script:secureReference = "$($secure.Host)/stac/secure:v1"
            # What a user does to trust a private CA: a bundle with it, named by SSL_CERT_FILE. The
            # runtime reads its roots once per process, so the trusting runs are child processes.
            $script:bundle = Join-Path $secure.Dir 'bundle.pem'
            $system = if ($env:SSL_CERT_FILE -and (Test-Path -LiteralPath $env:SSL_CERT_FILE)) { Get-Content -LiteralPath $env:SSL_CERT_FILE -Raw } else { '' }
            Set-Content -LiteralPath $bundle -Value ($system + "`n" + (Get-Content -LiteralPath $secure.CaCertificate -Raw))
        }

        # Runs a script in a child PowerShell that trusts the test CA; returns its output and exit code.
        function Invoke-TrustingChild([string] $Script) {
            $saved = $env:SSL_CERT_FILE
            $env:SSL_CERT_FILE = $bundle
            try {
                Invoke-ChildPwsh -Script "`$ErrorActionPreference = 'Stop'; Import-Module '$ModulePath'; $Script"
            }
            finally {
                $env:SSL_CERT_FILE = $saved
            }
        }
    }
    AfterAll { Stop-TestServer $secure }

    It 'pushes and pulls with -Credential when the CA is trusted' {
        Skip-WithoutServer $secure 'docker-registry (TLS, htpasswd)'
        $target = Join-Path $work 'secure-credential'
        $run = Invoke-TrustingChild @"
`$credential = [pscredential]::new('$user', (ConvertTo-SecureString '$password' -AsPlainText -Force))
`$pushed = Publish-StacPackage -Path '$package' -Reference '$secureReference' -Credential `$credential
`$pulled = Save-StacPackage -Reference '$secureReference' -Path '$target' -Credential `$credential
`$failed = @(Test-StacPackage -Path '$target' | Where-Object Status -EQ Failed).Count
'RESULT ' + (@{ Uploaded = `$pushed.BlobsUploaded; Pushed = `$pushed.Digest; Pulled = `$pulled.Digest; Failed = `$failed } | ConvertTo-Json -Compress)
"@
        $run.ExitCode | Should -Be 0 -Because ($run.Output -join "`n")
        $result = ($run.Output | Where-Object { $_ -like 'RESULT *' }).Substring(7) | ConvertFrom-Json
        $result.Uploaded | Should -Be 9
        $result.Pulled | Should -Be $result.Pushed
        $result.Failed | Should -Be 0
        Get-Snapshot $target | Should -Be (Get-Snapshot $package)
        # The registry really challenged, and then knew the user.
        $log = Get-Content -LiteralPath $secure.Log -Raw
        $log | Should -Match 'basic authentication challenge'
        $log | Should -Match "auth\.user\.name=$user"
        $log | Should -Match 'http\.request\.useragent=StacPkg'
    }

    It 'pulls with the credentials of a Docker config file (-DockerConfigPath and DOCKER_CONFIG)' {
        Skip-WithoutServer $secure 'docker-registry (TLS, htpasswd)'
        $configDir = New-TempDirectory 'docker-config'
        $auth = [Convert]::ToBase64String([Text.Encoding]::UTF8.GetBytes("${user}:$password"))
        @{ auths = @{ "https://$($secure.Host)" = @{ auth = $auth } } } | ConvertTo-Json -Depth 5 | Set-Content -LiteralPath (Join-Path $configDir 'config.json')
        $one = Join-Path $work 'secure-docker-path'
        $two = Join-Path $work 'secure-docker-env'
        $run = Invoke-TrustingChild @"
Save-StacPackage -Reference '$secureReference' -Path '$one' -DockerConfigPath '$(Join-Path $configDir 'config.json')' | Out-Null
`$env:DOCKER_CONFIG = '$configDir'
Save-StacPackage -Reference '$secureReference' -Path '$two' | Out-Null
'RESULT done'
"@
        $run.ExitCode | Should -Be 0 -Because ($run.Output -join "`n")
        Get-Snapshot $one | Should -Be (Get-Snapshot $package)
        Get-Snapshot $two | Should -Be (Get-Snapshot $package)
    }

    It 'refuses the untrusted certificate unless -SkipCertificateCheck' {
        Skip-WithoutServer $secure 'docker-registry (TLS, htpasswd)'
        # This process trusts only the machine's CAs, not the test CA.
        $credential = [pscredential]::new($user, (ConvertTo-SecureString $password -AsPlainText -Force))
        $parent = New-TempDirectory 'oci-tls'
        $failure = Assert-SaveRefused { Save-StacPackage -Reference $secureReference -Path (Join-Path $parent 'x') -Credential $credential } $parent 'OciProtocolError'
        $failure.Exception.Message | Should -BeLike '*TLS connection*failed*'
        Save-StacPackage -Reference $secureReference -Path (Join-Path $parent 'x') -Credential $credential -SkipCertificateCheck | Out-Null
        Get-Snapshot (Join-Path $parent 'x') | Should -Be (Get-Snapshot $package)
        # Plain http to a TLS registry fails too, instead of sending the password in clear.
        { Save-StacPackage -Reference $secureReference -Path (Join-Path $parent 'y') -Credential $credential -PlainHttp } | Should -Throw
        Test-Path -LiteralPath (Join-Path $parent 'y') | Should -BeFalse
    }

    It '-PlainHttp against the TLS registry says it answered as HTTPS, not "400 Bad Request"' {
        Skip-WithoutServer $secure 'docker-registry (TLS, htpasswd)'
        $parent = New-TempDirectory 'oci-plain'
        $failure = Assert-SaveRefused { Save-StacPackage -Reference $secureReference -Path (Join-Path $parent 'x') -PlainHttp } $parent 'OciProtocolError'
        $failure.Exception.Message | Should -BeLike "*$($secure.Host) answered as an HTTPS (TLS) server to plain http: drop -PlainHttp*"
        $failure = { Publish-StacPackage -Path $package -Reference $secureReference -PlainHttp } | Should -Throw -PassThru
        $failure.Exception.Message | Should -BeLike '*answered as an HTTPS (TLS) server*drop -PlainHttp*'
    }

    It 'wrong credentials and no credentials give a clear authentication error that never shows the password' {
        Skip-WithoutServer $secure 'docker-registry (TLS, htpasswd)'
        $wrongPassword = 'Wr0ng-Secret-0815'
        $wrong = [pscredential]::new($user, (ConvertTo-SecureString $wrongPassword -AsPlainText -Force))
        $parent = New-TempDirectory 'oci-auth'
        $failure = Assert-SaveRefused { Save-StacPackage -Reference $secureReference -Path (Join-Path $parent 'x') -Credential $wrong -SkipCertificateCheck -Verbose 4>$null } $parent 'OciAuthenticationFailed'
        $failure.CategoryInfo.Category | Should -Be 'AuthenticationError'
        $failure.Exception.Message | Should -BeLike "*authentication failed*refused the credentials of user '$user'*"
        $text = ($failure | Out-String) + $failure.Exception.ToString()
        $text | Should -Not -BeLike "*$wrongPassword*"
        $text | Should -Not -BeLike "*$([Convert]::ToBase64String([Text.Encoding]::UTF8.GetBytes("${user}:$wrongPassword")))*"

        $pushFailure = { Publish-StacPackage -Path $package -Reference "$($secure.Host)/stac/secure:v2" -Credential $wrong -SkipCertificateCheck } | Should -Throw -PassThru
        $pushFailure.FullyQualifiedErrorId | Should -BeLike 'OciAuthenticationFailed,*'
        ($pushFailure | Out-String) | Should -Not -BeLike "*$wrongPassword*"

        $empty = New-TempDirectory 'docker-config-empty'
        $failure = Assert-SaveRefused { Save-StacPackage -Reference $secureReference -Path (Join-Path $parent 'x') -SkipCertificateCheck -DockerConfigPath (Join-Path $empty 'none.json') } $parent 'PathNotFound'
        '{}' | Set-Content -LiteralPath (Join-Path $empty 'config.json')
        $failure = Assert-SaveRefused { Save-StacPackage -Reference $secureReference -Path (Join-Path $parent 'x') -SkipCertificateCheck -DockerConfigPath (Join-Path $empty 'config.json') } $parent 'OciAuthenticationFailed'
        $failure.Exception.Message | Should -BeLike '*authentication required*-Credential*'
    }

    It 'the verbose stream names the user from a Docker config, never the password' {
        Skip-WithoutServer $secure 'docker-registry (TLS, htpasswd)'
        $configDir = New-TempDirectory 'docker-config-verbose'
        $auth = [Convert]::ToBase64String([Text.Encoding]::UTF8.GetBytes("${user}:$password"))
        @{ auths = @{ $secure.Host = @{ auth = $auth } } } | ConvertTo-Json -Depth 5 | Set-Content -LiteralPath (Join-Path $configDir 'config.json')
        $verbose = Save-StacPackage -Reference $secureReference -Path (Join-Path $work 'secure-verbose') -SkipCertificateCheck `
            -DockerConfigPath (Join-Path $configDir 'config.json') -Verbose 4>&1 | Where-Object { $_ -is [Management.Automation.VerboseRecord] } | Out-String
        $verbose | Should -BeLike "*'$user'*"
        $verbose | Should -Not -BeLike "*$password*"
        $verbose | Should -Not -BeLike "*$auth*"
    }
}
