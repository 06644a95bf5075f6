# Path arguments as Get-Item treats them (issue 12, items 7 and 9a): a -Path that matches nothing is
# an error naming it, a name with wildcard characters that exists as written is that item, and a
# directory where a file is read is said to be a directory.

BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    Import-Module $ModulePath -Force

    $script:dir = New-TempDirectory 'paths'
    $script:item = '{"type":"Feature","stac_version":"1.0.0","id":"a","collection":"c","geometry":null,"properties":{"datetime":"2024-01-01T00:00:00Z"},"links":[],"assets":{"v":{"href":"https://example.com/a.tif"}}}' |
        ConvertFrom-StacJson
    # A name New-StacPackage creates literally, though [1] is a wildcard character class.
    $script:bracketed = Join-Path $dir 'pkg [1]'
    $item | New-StacPackage -Path $bracketed -NoProbe | Out-Null
}

AfterAll { Remove-Item -LiteralPath $dir -Recurse -Force -ErrorAction SilentlyContinue }

Describe 'A -Path that matches nothing' {
    It '<Command> names the path in a PathNotFound error' -ForEach @(
        @{ Command = 'Test-StacPackage' }
        @{ Command = 'Get-StacPackage' }
        @{ Command = 'Import-StacItem' }
        @{ Command = 'Import-StacAssetLock' }
    ) {
        $pattern = Join-Path $dir 'build-*.pkg'
        $out = & $Command -Path $pattern -ErrorVariable errs -ErrorAction SilentlyContinue
        $out | Should -BeNullOrEmpty
        $errs | Should -HaveCount 1
        $errs[0].FullyQualifiedErrorId | Should -BeLike 'PathNotFound,*'
        "$($errs[0])" | Should -BeLike "*$pattern*"
    }

    It 'Merge-StacAssetLock names it too' {
        $pattern = Join-Path $dir 'shard-*.pkg'
        # With nothing to merge the cmdlet then stops; the first error still names the pattern.
        $thrown = $null
        try { Merge-StacAssetLock -Path $pattern -DestinationPath (Join-Path $dir 'merged.lock.parquet') -ErrorVariable errs -ErrorAction SilentlyContinue }
        catch { $thrown = $_ }
        "$thrown" | Should -BeLike '*nothing to merge*'
        ($errs | Where-Object FullyQualifiedErrorId -Like 'PathNotFound,*').TargetObject | Should -Be $pattern
    }

    It 'makes a script run exit non-zero' {
        $pattern = Join-Path $dir 'build-*.pkg'
        (Invoke-ChildPwsh "Import-Module '$ModulePath'; Test-StacPackage -Path '$pattern' > `$null").ExitCode | Should -Not -Be 0
    }
}

Describe 'A -Path with wildcard characters that exists as written' {
    It 'Test-StacPackage checks that package' {
        $results = Test-StacPackage -Path $bracketed -ErrorVariable errs
        $errs | Should -BeNullOrEmpty
        $results | Should -Not -BeNullOrEmpty
        $results | Where-Object Status -eq 'Failed' | Should -BeNullOrEmpty
        ($results | Select-Object -First 1).Target | Should -Not -BeNullOrEmpty
    }

    It 'Get-StacPackage, Import-StacAssetLock and Import-StacItem read it' {
        (Get-StacPackage -Path $bracketed).ItemCount | Should -Be 1
        @(Import-StacAssetLock -Path $bracketed) | Should -HaveCount 1
        (Import-StacItem -Path (Join-Path $bracketed 'items.parquet')).Id | Should -Be 'a'
    }

    It 'a wildcard that matches it still does' {
        (Get-StacPackage -Path (Join-Path $dir 'pkg*')).ItemCount | Should -Be 1
    }
}

Describe 'A directory where a file is read' {
    It '<Parameter> of Import-StacItem says it is a directory, not that it does not exist' -ForEach @(
        @{ Parameter = 'Path' }
        @{ Parameter = 'LiteralPath' }
    ) {
        $arguments = @{ $Parameter = $bracketed }
        Import-StacItem @arguments -ErrorVariable errs -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $errs | Should -HaveCount 1
        $errs[0].FullyQualifiedErrorId | Should -BeLike 'PathIsDirectory,*'
        "$($errs[0])" | Should -BeLike "*'$([WildcardPattern]::Escape($bracketed))' is a directory, not a file*"
    }
}
