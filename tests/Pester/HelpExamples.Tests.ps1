# Every example in docs/help runs, as a reader would paste it: the examples of one page run in order
# in one fresh PowerShell session (so an example may use what an earlier one made), in a temp folder
# holding a copy of samples/. An example marked <!-- example:requires-<what> --> (docs/help/README.md)
# needs more than the offline samples and is reported as skipped with that reason.

BeforeDiscovery {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    . (Join-Path $RepoRoot 'tools/Help/HelpPage.ps1')
    $script:Pages = @(Get-ChildItem -LiteralPath (Join-Path $RepoRoot 'docs/help') -Filter '*-*.md' | Sort-Object Name | ForEach-Object {
            $page = Read-HelpPage -Path $_.FullName
            @{
                Name     = $page.Name
                Path     = $page.Path
                Runnable = @($page.Examples | Where-Object { $_.Requires.Count -eq 0 } | ForEach-Object Title)
                Marked   = @($page.Examples | Where-Object { $_.Requires.Count -gt 0 } | ForEach-Object { @{ Title = $_.Title; Requires = $_.Requires -join ', ' } })
            }
        })
}

BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    . (Join-Path $RepoRoot 'tools/Help/HelpPage.ps1')
}

Describe 'Examples of <Name>' -ForEach $Pages {
    It 'runs every offline example without an error' -Skip:($Runnable.Count -eq 0) {
        $page = Read-HelpPage -Path $Path
        $examples = @($page.Examples | Where-Object { $_.Requires.Count -eq 0 } | ForEach-Object { @{ Title = $_.Title; Code = $_.Code } })
        $work = (New-Item -ItemType Directory -Path (Join-Path ([IO.Path]::GetTempPath()) "stacpkg-examples-$([guid]::NewGuid().ToString('N').Substring(0, 8))")).FullName
        try {
            Copy-Item -LiteralPath $Samples -Destination $work -Recurse
            $payload = [Convert]::ToBase64String([Text.Encoding]::UTF8.GetBytes((ConvertTo-Json -InputObject $examples -Compress)))
            # Errors stop an example unless it silences them itself (-ErrorAction SilentlyContinue):
            # an example that writes an error the reader did not expect does not run.
            $child = Invoke-ChildPwsh -Script @"
`$ErrorActionPreference = 'Stop'
`$ProgressPreference = 'SilentlyContinue'
Import-Module '$ModulePath'
Set-Location -LiteralPath '$work'
`$__examples = [Text.Encoding]::UTF8.GetString([Convert]::FromBase64String('$payload')) | ConvertFrom-Json
foreach (`$__example in `$__examples) {
    try {
        # Dot-sourced, so a later example sees the variables of an earlier one; formatted, so the views run too.
        `$null = . ([scriptblock]::Create(`$__example.Code)) | Out-String -Width 200
        'EXAMPLE-OK: ' + `$__example.Title
    }
    catch {
        'EXAMPLE-FAILED: ' + `$__example.Title + ': ' + `$_.Exception.Message
    }
}
"@
            $failed = @($child.Output | Where-Object { $_ -like 'EXAMPLE-FAILED: *' })
            $failed | Should -BeNullOrEmpty -Because "the examples of $Path must run"
            @($child.Output | Where-Object { $_ -like 'EXAMPLE-OK: *' }).Count | Should -Be $examples.Count -Because ($child.Output -join "`n")
        }
        finally {
            Remove-Item -LiteralPath $work -Recurse -Force -ErrorAction SilentlyContinue
        }
    }

    It '<Title>' -ForEach $Marked {
        Set-ItResult -Skipped -Because "the example is marked as needing $Requires"
    }
}
