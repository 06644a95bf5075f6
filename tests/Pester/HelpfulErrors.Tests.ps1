# Messages that say what is wrong and what to do (issue 12, item 9), for what only the cmdlets can
# show: -WhatIf, and the arguments a user types.

BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    Import-Module $ModulePath -Force

    $script:dir = New-TempDirectory 'errors'
    $script:itemJson = '{"type":"Feature","stac_version":"1.0.0","id":"a","collection":"c","geometry":null,"properties":{"datetime":"2024-01-01T00:00:00Z"},"links":[],"assets":{"v":{"href":"https://example.com/a.tif"}}}'
    $script:item = $itemJson | ConvertFrom-StacJson
    $script:existing = Join-Path $dir 'existing.pkg'
    $item | New-StacPackage -Path $existing -NoProbe | Out-Null
}

AfterAll { Remove-Item -LiteralPath $dir -Recurse -Force -ErrorAction SilentlyContinue }

Describe 'New-StacPackage -WhatIf on an existing package' {
    It 'fails as the run would without -Force, and says Replace with -Force' {
        $script = "Import-Module '$ModulePath'; `$item = '$itemJson' | ConvertFrom-StacJson; " +
            "`$item | New-StacPackage -Path '$existing' -NoProbe -WhatIf; 'after: ' + `$?; " +
            "`$item | New-StacPackage -Path '$existing' -NoProbe -WhatIf -Force"
        $run = Invoke-ChildPwsh $script
        $text = $run.Output -join "`n"
        $text | Should -BeLike "*the package '$existing' already exists; use -Force to replace it*"
        $text | Should -Not -BeLike '*Create STAC package*'
        $text | Should -BeLike "*What if: Performing the operation `"Replace STAC package`" on target `"$existing`"*"
    }
}

Describe 'New-StacPackage -Include of a folder' {
    It 'says the path is a folder, not a file, and writes no package' {
        $folder = New-Item -ItemType Directory -Path (Join-Path $dir 'docs')
        $target = Join-Path $dir 'with-docs.pkg'
        $thrown = $null
        try { $item | New-StacPackage -Path $target -NoProbe -Include $folder.FullName -ErrorVariable errs -ErrorAction SilentlyContinue }
        catch { $thrown = $_ }
        $thrown.FullyQualifiedErrorId | Should -BeLike 'IncludeNotFound,*'
        $errs[0].FullyQualifiedErrorId | Should -BeLike 'PathIsDirectory,*'
        "$($errs[0])" | Should -Be "'$($folder.FullName)' is a directory, not a file; name a file in it."
        Test-Path -LiteralPath $target | Should -BeFalse
    }
}

Describe 'The output types the help names' {
    It 'resolve as type names in a script, and are the types of the objects the cmdlets write' {
        $script = "Import-Module '$ModulePath'; `$item = '$itemJson' | ConvertFrom-StacJson; " +
            "`$item -is [StacPkg.Core.Stac.StacItem]; (Get-StacPackage -Path '$existing') -is [StacPkg.Core.Packaging.StacPackageInfo]; " +
            "[StacPkg.Core.Lock.AssetLockEntry].FullName"
        $run = Invoke-ChildPwsh $script
        $run.Output | Should -Be @('True', 'True', 'StacPkg.Core.Lock.AssetLockEntry')
    }
}
