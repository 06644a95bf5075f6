# The module as a user gets it from a gallery: the .nupkg that build.ps1 -Task Package writes is
# installed with Install-PSResource from a local folder repository into a clean module path, and the
# offline demo flow runs from the installed copy in a fresh PowerShell.

BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    $props = [xml](Get-Content -LiteralPath (Join-Path $RepoRoot 'Directory.Build.props') -Raw)
    $script:Version = @($props.Project.PropertyGroup | ForEach-Object { $_['VersionPrefix'] } | Where-Object { $_ })[0].InnerText
    $script:Nupkg = Join-Path $PackageDirectory "StacPkg.$Version.nupkg"
}

Describe 'Module manifest' {
    It 'passes Test-ModuleManifest and has the gallery fields' {
        $manifest = Test-ModuleManifest -Path (Join-Path $ModulePath 'StacPkg.psd1')
        $manifest.Version | Should -Be ([version]$Version)
        $manifest.Description | Should -Not -BeNullOrEmpty
        $manifest.Author | Should -Not -BeNullOrEmpty
        $manifest.CompatiblePSEditions | Should -Be @('Core')
        $manifest.PowerShellVersion | Should -Be ([version]'7.4')
        $manifest.Tags | Should -Contain 'STAC'
        $manifest.ExportedFormatFiles | Should -Not -BeNullOrEmpty
        @($manifest.ExportedCmdlets.Keys).Count | Should -BeGreaterOrEqual 16
    }
}

Describe 'Gallery package' {
    BeforeAll {
        $script:root = (New-Item -ItemType Directory -Path (Join-Path ([IO.Path]::GetTempPath()) "stacpkg-gallery-$([guid]::NewGuid().ToString('N').Substring(0, 8))")).FullName
    }
    AfterAll { Remove-Item -LiteralPath $root -Recurse -Force -ErrorAction SilentlyContinue }

    It 'is a nupkg with the manifest, the module, its dependencies, the help and the formats' {
        $Nupkg | Should -Exist -Because 'build.ps1 -Task Package (and -Task Test) writes it'
        Add-Type -AssemblyName System.IO.Compression.FileSystem
        $zip = [IO.Compression.ZipFile]::OpenRead($Nupkg)
        try {
            $entries = @($zip.Entries.FullName)
            $reader = [IO.StreamReader]::new($zip.GetEntry('StacPkg.nuspec').Open())
            try { $nuspec = [xml]$reader.ReadToEnd() } finally { $reader.Dispose() }
        }
        finally {
            $zip.Dispose()
        }
        foreach ($file in 'StacPkg.psd1', 'StacPkg.dll', 'StacPkg.Format.ps1xml', 'en-US/StacPkg.dll-Help.xml', 'deps/StacPkg.Core.dll', 'deps/Parquet.dll') {
            $entries | Should -Contain $file
        }
        $nuspec.package.metadata.id | Should -Be 'StacPkg'
        $nuspec.package.metadata.version | Should -Be $Version
        $nuspec.package.metadata.description | Should -Not -BeNullOrEmpty
    }

    It 'installs with Install-PSResource from a folder repository and runs the offline demo flow' {
        $Nupkg | Should -Exist
        $repository = New-Item -ItemType Directory -Path (Join-Path $root 'repository')
        Copy-Item -LiteralPath $Nupkg -Destination $repository
        $work = (New-Item -ItemType Directory -Path (Join-Path $root 'work')).FullName
        # A clean user profile: the repository registration and the CurrentUser module path
        # (XDG_DATA_HOME/powershell/Modules) live there, not in the real user's.
        $saved = @{ HOME = $env:HOME; XDG_DATA_HOME = $env:XDG_DATA_HOME; PSModulePath = $env:PSModulePath }
        $env:HOME = (New-Item -ItemType Directory -Path (Join-Path $root 'home')).FullName
        # It must exist: .NET reports a missing LocalApplicationData folder as '' and PSResourceGet
        # would then keep its repository list in the current directory.
        $env:XDG_DATA_HOME = (New-Item -ItemType Directory -Path (Join-Path $env:HOME '.local/share')).FullName
        # Only the PowerShell's own modules (PSResourceGet among them): no StacPkg from elsewhere.
        $env:PSModulePath = Join-Path $PSHOME 'Modules'
        try {
            $install = Invoke-ChildPwsh -Script @"
`$ErrorActionPreference = 'Stop'
`$ProgressPreference = 'SilentlyContinue'
Register-PSResourceRepository -Name StacPkgLocal -Uri '$($repository.FullName)' -Trusted
Install-PSResource -Name StacPkg -Repository StacPkgLocal -Scope CurrentUser -Version '$Version'
(Get-InstalledPSResource -Name StacPkg -Scope CurrentUser).InstalledLocation
"@
            $install.ExitCode | Should -Be 0 -Because ($install.Output -join "`n")

            $demo = Invoke-ChildPwsh -Script @"
`$ErrorActionPreference = 'Stop'
`$ProgressPreference = 'SilentlyContinue'
Set-Location -LiteralPath '$work'
# By name, as a user would: found on the CurrentUser module path where Install-PSResource put it.
Import-Module StacPkg
'BASE:' + (Get-Module StacPkg).ModuleBase
`$items = @(Get-Content -LiteralPath '$NaipJson' | ConvertFrom-StacJson) +
    @(Get-Content -LiteralPath '$SentinelJson' -Raw | ConvertFrom-Json | ConvertFrom-StacJson) +
    @(Import-StacItem -Path '$ItemsNdjson')
`$items | Export-StacItem ./samples.parquet
`$back = @(Import-StacItem ./samples.parquet)
'ITEMS:' + `$back.Count + ':' + ((`$back.Id | Sort-Object) -join ',')
`$info = `$back | New-StacPackage -Path ./samples.pkg -NoProbe -WarningAction SilentlyContinue
'PACKAGE:' + `$info.ItemCount
'FAILED:' + @(Test-StacPackage ./samples.pkg | Where-Object Status -EQ Failed).Count
'HELP:' + (Get-Help Export-StacItem).Synopsis
'VIEW:' + ((`$back | Format-Table | Out-String -Width 300) -match 'AssetKeys')
"@
            $demo.ExitCode | Should -Be 0 -Because ($demo.Output -join "`n")
        }
        finally {
            foreach ($name in $saved.Keys) { Set-Item -Path "Env:$name" -Value $saved[$name] }
            if ($null -eq $saved.XDG_DATA_HOME) { Remove-Item Env:XDG_DATA_HOME -ErrorAction SilentlyContinue }
        }
        $expectedIds = (@(Get-Content -LiteralPath $NaipJson | ConvertFrom-Json).id + 'S2A_MSIL2A_20240823T174901_R141_T13TDE_20240824T013055', 'S2B_MSIL2A_20240825T173909_R098_T13TDE_20240825T215747', 'dataset', 'dataset_geo' | Sort-Object) -join ','
        $base = ($demo.Output | Where-Object { $_ -like 'BASE:*' }) -replace '^BASE:', ''
        $base | Should -BeLike "$root*" -Because 'the module must come from the installed package, not from out/'
        $demo.Output | Should -Contain "ITEMS:8:$expectedIds"
        $demo.Output | Should -Contain 'PACKAGE:8'
        $demo.Output | Should -Contain 'FAILED:0'
        ($demo.Output | Where-Object { $_ -like 'HELP:*' }) | Should -Not -Be 'HELP:' -Because 'the package carries the MAML help'
        $demo.Output | Should -Contain 'VIEW:True'
    }
}
