# examples/azure-pipelines.yml, step by step: each step's script (examples/scripts) runs in a fresh
# pwsh that imports the module by name, as on an agent, against a STAC API served by nginx (two
# static search pages linked by rel=next) whose Items' assets are nginx files.

BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    . (Join-Path $PSScriptRoot 'TestServers.ps1')
    Import-Module $ModulePath -Force

    $script:nginx = Start-TestNginx
    $script:registry = Start-TestRegistry -User 'pipeline' -Password 'p1pe-Secret!'
    $script:root = (New-Item -ItemType Directory -Path (Join-Path ([IO.Path]::GetTempPath()) "stacpkg-pipeline-$([guid]::NewGuid().ToString('N').Substring(0, 8))")).FullName
    $script:examples = Join-Path $RepoRoot 'examples/scripts'
    $script:childEnvironment = @{ PSModulePath = (Split-Path $ModulePath -Parent) + [IO.Path]::PathSeparator + $env:PSModulePath }
    if (-not $nginx) { return }

    $stac = (New-Item -ItemType Directory -Path (Join-Path $nginx.Root 'stac')).FullName
    $null = New-Item -ItemType Directory -Path (Join-Path $nginx.Root 'assets')
    $rng = [Random]::new(5)
    $items = foreach ($i in 1..5) {
        $assets = [ordered]@{}
        foreach ($key in 'visual', 'thumbnail') {
            $bytes = [byte[]]::new(2000 + $rng.Next(3000))
            $rng.NextBytes($bytes)
            [IO.File]::WriteAllBytes((Join-Path $nginx.Root "assets/$i-$key.bin"), $bytes)
            $assets[$key] = @{ href = "$($nginx.BaseUrl)/assets/$i-$key.bin"; roles = @('data') }
        }
        $x = 16.3 + $i / 100
        [ordered]@{ type = 'Feature'; stac_version = '1.0.0'; id = "oam-$i"; collection = 'openaerialmap'; links = @()
            geometry = @{ type = 'Point'; coordinates = @($x, 48.2) }; bbox = @($x, 48.2, $x, 48.2)
            properties = @{ datetime = "2024-06-0$($i)T10:00:00Z" }; assets = $assets }
    }
    # The search answers with page 1 whatever the query; page 2 has no next link.
    [ordered]@{ type = 'FeatureCollection'; features = @($items[0..2])
        links = @(@{ rel = 'next'; href = "$($nginx.BaseUrl)/stac/search-page-2"; type = 'application/geo+json' }) } |
        ConvertTo-Json -Depth 20 | Set-Content (Join-Path $stac 'search')
    [ordered]@{ type = 'FeatureCollection'; features = @($items[3..4]); links = @() } |
        ConvertTo-Json -Depth 20 | Set-Content (Join-Path $stac 'search-page-2')
    $script:package = Join-Path $root 'oam.pkg'
}

AfterAll {
    Stop-TestServer $nginx, $registry
    Remove-Item -LiteralPath $root -Recurse -Force -ErrorAction SilentlyContinue
}

Describe 'examples/azure-pipelines.yml steps' {
    It 'build: packages every Item of every search page, with a probed lock' {
        Skip-WithoutServer $nginx 'nginx'
        $result = Wait-ChildPwsh (Start-ChildPwsh -Environment $childEnvironment -Script `
            "& '$examples/New-PackageFromSearch.ps1' -Api '$($nginx.BaseUrl)/stac' -Collection openaerialmap -Bbox 16.2,48.1,16.5,48.3 -Path '$package'")
        $result.ExitCode | Should -Be 0 -Because ($result.Output -join "`n")
        $info = Get-StacPackage $package
        $info.ItemCount | Should -Be 5
        $info.AssetCount | Should -Be 10
        $lock = @(Import-StacAssetLock $package)
        $lock | ForEach-Object { $_.SizeBytes | Should -BeGreaterThan 0; $_.ETag | Should -Not -BeNullOrEmpty }
        # The query reached the API as the step built it.
        (Get-Content (Join-Path $nginx.Dir 'access.log')) -join "`n" | Should -Match 'GET /stac/search\?collections=openaerialmap&bbox=16.2,48.1,16.5,48.3&limit=100 '
    }

    It 'validate: passes on an unchanged package' {
        Skip-WithoutServer $nginx 'nginx'
        $result = Wait-ChildPwsh (Start-ChildPwsh -Environment $childEnvironment -Script "& '$examples/Test-Package.ps1' -Path '$package' -Checksum")
        $result.ExitCode | Should -Be 0 -Because ($result.Output -join "`n")
        $result.Output | Should -Contain '10 of 10 assets match their lock'
    }

    It 'publish: pushes with the credentials from the step environment, and the pull passes Test-StacPackage' {
        Skip-WithoutServer $nginx 'nginx'; Skip-WithoutServer $registry 'docker-registry'
        $reference = "$($registry.Host)/stac/oam:build-1"
        $result = Wait-ChildPwsh (Start-ChildPwsh -Script "& '$examples/Publish-Package.ps1' -Path '$package' -Reference '$reference' -PlainHttp" `
            -Environment ($childEnvironment + @{ REGISTRY_USERNAME = 'pipeline'; REGISTRY_PASSWORD = 'p1pe-Secret!' }))
        $result.ExitCode | Should -Be 0 -Because ($result.Output -join "`n")
        ($result.Output -join "`n") | Should -Match "Published $([regex]::Escape($reference)) as sha256:[0-9a-f]{64}"
        ($result.Output -join "`n") | Should -Not -Match 'p1pe-Secret'

        $pulled = Join-Path $root 'pulled.pkg'
        $credential = [pscredential]::new('pipeline', (ConvertTo-SecureString 'p1pe-Secret!' -AsPlainText -Force))
        $null = Save-StacPackage -Reference $reference -Path $pulled -PlainHttp -Credential $credential
        @(Test-StacPackage $pulled | Where-Object { -not $_.IsValid }).Count | Should -Be 0
        (Get-StacPackage $pulled).ItemCount | Should -Be 5
    }

    It 'publish: fails the job with wrong credentials, without printing them' {
        Skip-WithoutServer $nginx 'nginx'; Skip-WithoutServer $registry 'docker-registry'
        $result = Wait-ChildPwsh (Start-ChildPwsh -Script "& '$examples/Publish-Package.ps1' -Path '$package' -Reference '$($registry.Host)/stac/oam:build-2' -PlainHttp" `
            -Environment ($childEnvironment + @{ REGISTRY_USERNAME = 'pipeline'; REGISTRY_PASSWORD = 'wrong-Secret' }))
        $result.ExitCode | Should -Not -Be 0
        ($result.Output -join "`n") | Should -Match 'authentication|credentials|unauthorized'
        ($result.Output -join "`n") | Should -Not -Match 'wrong-Secret'
    }

    It 'validate: fails the job on a changed asset, naming it' {
        Skip-WithoutServer $nginx 'nginx'
        $file = Join-Path $nginx.Root 'assets/4-visual.bin'
        $bytes = [IO.File]::ReadAllBytes($file)
        $bytes[10] = $bytes[10] -bxor 0xFF
        [IO.File]::WriteAllBytes($file, $bytes)
        # A re-upload: same size, a later modification time (and so another ETag).
        (Get-Item $file).LastWriteTimeUtc = [datetime]::UtcNow.AddMinutes(1)
        $result = Wait-ChildPwsh (Start-ChildPwsh -Environment $childEnvironment -Script "& '$examples/Test-Package.ps1' -Path '$package' -Checksum")
        $result.ExitCode | Should -Not -Be 0
        ($result.Output -join "`n") | Should -Match 'oam-4/visual'
    }
}
