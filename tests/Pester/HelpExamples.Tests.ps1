# Every example in docs/help runs, as a reader would paste it: the examples of one page run in order
# in one fresh PowerShell session (so an example may use what an earlier one made), in a temp folder
# holding a copy of samples/. An example marked <!-- example:requires-s3 --> or requires-azure runs
# against the test servers (s3rver with the bucket 'mirror', Azurite with the container 'assets', the
# Distribution registry standing in for localhost:5000), with their credentials in the environment
# as a user would set them; any other requires-<what>
# (the internet) is reported as skipped with that reason. See docs/help/README.md.

BeforeDiscovery {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    . (Join-Path $RepoRoot 'tools/Help/HelpPage.ps1')
    $serverBacked = 's3', 'azure', 'registry'
    $script:Pages = @(Get-ChildItem -LiteralPath (Join-Path $RepoRoot 'docs/help') -Filter '*-*.md' | Sort-Object Name | ForEach-Object {
            $page = Read-HelpPage -Path $_.FullName
            $offline = @($page.Examples | Where-Object { $_.Requires.Count -eq 0 })
            $withServers = @($page.Examples | Where-Object { $_.Requires.Count -gt 0 -and -not ($_.Requires | Where-Object { $_ -notin $serverBacked }) })
            @{
                Name        = $page.Name
                Path        = $page.Path
                HasOffline  = $offline.Count -gt 0
                Servers     = @($withServers.Requires | Sort-Object -Unique)
                Unrunnable  = @($page.Examples | Where-Object { $_.Requires | Where-Object { $_ -notin $serverBacked } } |
                        ForEach-Object { @{ Title = $_.Title; Requires = $_.Requires -join ', ' } })
            }
        })
}

BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    . (Join-Path $PSScriptRoot 'TestServers.ps1')
    . (Join-Path $RepoRoot 'tools/Help/HelpPage.ps1')

    $script:S3 = Start-TestS3rver -Bucket 'mirror'
    $script:Azurite = Start-TestAzurite -Container 'assets'
    $script:Registry = Start-TestRegistry

    # The environment a user sets for each store; the examples read their credentials from it.
    function Get-ServerEnvironment([string[]] $Servers) {
        $environment = @{}
        if ('s3' -in $Servers) {
            $environment += $S3.Environment
            $environment.AWS_ENDPOINT_URL = $S3.EndpointUrl
        }
        if ('azure' -in $Servers) {
            $environment.AZURE_STORAGE_CONNECTION_STRING = $Azurite.ConnectionString
        }
        $environment
    }

    # Runs the page's examples that need nothing beyond -Servers; returns the 'EXAMPLE-…' lines.
    function Invoke-PageExample {
        param([string] $Path, [string[]] $Servers = @())
        $page = Read-HelpPage -Path $Path
        $examples = @($page.Examples | Where-Object { -not ($_.Requires | Where-Object { $_ -notin $Servers }) } |
                ForEach-Object {
                    # The registry examples name localhost:5000, the registry a reader runs; the test's is on a free port.
                    $code = if ('registry' -in $Servers -and $Registry) { $_.Code.Replace('localhost:5000', $Registry.Host) } else { $_.Code }
                    @{ Title = $_.Title; Code = $code }
                })
        $work = (New-Item -ItemType Directory -Path (Join-Path ([IO.Path]::GetTempPath()) "stacpkg-examples-$([guid]::NewGuid().ToString('N').Substring(0, 8))")).FullName
        $environment = Get-ServerEnvironment $Servers
        $saved = @{}
        foreach ($name in $environment.Keys) { $saved[$name] = [Environment]::GetEnvironmentVariable($name) }
        try {
            Copy-Item -LiteralPath $Samples -Destination $work -Recurse
            foreach ($name in $environment.Keys) { [Environment]::SetEnvironmentVariable($name, $environment[$name]) }
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
        }
        finally {
            foreach ($name in $saved.Keys) { [Environment]::SetEnvironmentVariable($name, $saved[$name]) }
            Remove-Item -LiteralPath $work -Recurse -Force -ErrorAction SilentlyContinue
        }
        [pscustomobject]@{
            Expected = $examples.Count
            Failed   = @($child.Output | Where-Object { $_ -like 'EXAMPLE-FAILED: *' })
            Passed   = @($child.Output | Where-Object { $_ -like 'EXAMPLE-OK: *' })
            Output   = $child.Output -join "`n"
        }
    }
}

AfterAll {
    Stop-TestServer $S3, $Azurite, $Registry
}

Describe 'Examples of <Name>' -ForEach $Pages {
    It 'runs every offline example without an error' -ForEach @(if ($HasOffline) { @{} }) {
        $run = Invoke-PageExample -Path $Path
        $run.Failed | Should -BeNullOrEmpty -Because "the examples of $Path must run"
        $run.Passed.Count | Should -Be $run.Expected -Because $run.Output
    }

    It 'runs its examples against the test servers (<Needs>)' -ForEach @(if ($Servers) { @{ Needs = $Servers -join ', ' } }) {
        if ('s3' -in $Servers) { Skip-WithoutServer $S3 's3rver' }
        if ('azure' -in $Servers) { Skip-WithoutServer $Azurite 'Azurite' }
        if ('registry' -in $Servers) { Skip-WithoutServer $Registry 'docker-registry' }
        # The offline examples run again first: a server example may use what they made.
        $run = Invoke-PageExample -Path $Path -Servers $Servers
        $run.Failed | Should -BeNullOrEmpty -Because "the examples of $Path must run against the test servers"
        $run.Passed.Count | Should -Be $run.Expected -Because $run.Output
    }

    It '<Title>' -ForEach $Unrunnable {
        Set-ItResult -Skipped -Because "the example is marked as needing $Requires"
    }
}
