# Each test runs in a fresh PowerShell process: what is already loaded into a process is exactly
# what these tests are about.
BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
}

Describe 'Dependency isolation' {
    It 'writes and reads parquet in a session that already loaded an older CommunityToolkit.HighPerformance' {
        # Parquet.Net 6.1.0 needs CommunityToolkit.HighPerformance 8.x; 7.1.2 is restored by tools/TestTools.csproj.
        $older = Join-Path (Get-NuGetPackagesFolder) 'communitytoolkit.highperformance/7.1.2/lib/net5.0/CommunityToolkit.HighPerformance.dll'
        $older | Should -Exist
        $parquet = Join-Path $TestDrive 'isolated.parquet'
        $run = Invoke-ChildPwsh @"
`$ErrorActionPreference = 'Stop'
Add-Type -LiteralPath '$older'
Import-Module '$ModulePath'
Get-Content -LiteralPath '$SentinelJson' -Raw | ConvertFrom-Json | ConvertFrom-StacJson | Export-StacItem -Path '$parquet'
`$back = @(Import-StacItem -Path '$parquet')
'count=' + `$back.Count
'visual=' + `$back[0].Assets['visual'].Href
[AppDomain]::CurrentDomain.GetAssemblies() |
    Where-Object { `$_.GetName().Name -in 'CommunityToolkit.HighPerformance', 'Parquet', 'StacPkg.Core' } |
    ForEach-Object { 'loaded=' + `$_.GetName().Name + '/' + `$_.GetName().Version.Major + '@' + [System.Runtime.Loader.AssemblyLoadContext]::GetLoadContext(`$_).Name }
"@
        $run.Output -join "`n" | Should -Match 'count=2' -Because ($run.Output -join "`n")
        $run.ExitCode | Should -Be 0
        $run.Output | Should -Contain 'visual=https://sentinel2l2a01.blob.core.windows.net/sentinel2-l2/13/T/DE/2024/08/25/S2B_MSIL2A_20240825T173909_N0511_R098_T13TDE_20240825T215747.SAFE/GRANULE/L2A_T13TDE_A039020_20240825T174804/IMG_DATA/R10m/T13TDE_20240825T173909_TCI_10m.tif'
        # The session's own copy stays the one it loaded; ours lives in the module's context.
        $run.Output | Should -Contain 'loaded=CommunityToolkit.HighPerformance/7@Default'
        $run.Output | Should -Contain 'loaded=Parquet/6@StacPkg'
        $run.Output | Should -Contain 'loaded=StacPkg.Core/0@StacPkg'
        $run.Output | Where-Object { $_ -like 'loaded=*@Default' } | Should -Be 'loaded=CommunityToolkit.HighPerformance/7@Default'
    }

    It 'loads StacPkg.Core once, in the module''s own context, and keeps working after Import-Module -Force twice and Remove-Module' {
        $run = Invoke-ChildPwsh @"
`$ErrorActionPreference = 'Stop'
Import-Module '$ModulePath'
`$first = Get-Content -LiteralPath '$SentinelJson' -Raw | ConvertFrom-Json | ConvertFrom-StacJson | Select-Object -First 1
Import-Module '$ModulePath' -Force
Import-Module '$ModulePath' -Force
`$second = Get-Content -LiteralPath '$SentinelJson' -Raw | ConvertFrom-Json | ConvertFrom-StacJson | Select-Object -First 1
'commands=' + @(Get-Command -Module StacPkg).Count
'json=' + (ConvertTo-StacJson `$first -Compress).Length
'same-type=' + (`$first.GetType() -eq `$second.GetType())
Remove-Module StacPkg
Import-Module '$ModulePath'
'after-remove=' + (`$first | ConvertTo-StacJson -Compress | ConvertFrom-StacJson).Id
'cores=' + @([AppDomain]::CurrentDomain.GetAssemblies() | Where-Object { `$_.GetName().Name -eq 'StacPkg.Core' }).Count
'core-context=' + [System.Runtime.Loader.AssemblyLoadContext]::GetLoadContext(`$first.GetType().Assembly).Name
"@
        $run.ExitCode | Should -Be 0 -Because ($run.Output -join "`n")
        # Every exported cmdlet survives the re-imports (the manifest test checks which ones they are).
        $exported = @((Import-PowerShellDataFile (Join-Path $ModulePath 'StacPkg.psd1')).CmdletsToExport).Count
        $run.Output | Should -Contain "commands=$exported"
        $run.Output | Should -Contain 'same-type=True'
        $run.Output | Should -Contain 'after-remove=S2B_MSIL2A_20240825T173909_R098_T13TDE_20240825T215747'
        $run.Output | Should -Contain 'cores=1'
        $run.Output | Should -Contain 'core-context=StacPkg'
        @($run.Output | Where-Object { $_ -like 'json=*' }) | Should -Not -Be 'json=0'
    }
}
