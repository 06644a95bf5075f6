# Help as a user gets it: Get-Help in a fresh session, for every exported cmdlet, from the MAML that
# build.ps1 generates out of docs/help.

BeforeDiscovery {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    $script:Commands = @((Import-PowerShellDataFile (Join-Path $ModulePath 'StacPkg.psd1')).CmdletsToExport | ForEach-Object { @{ Name = $_ } })
}

BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    # A fresh process: help is read from out/StacPkg/en-US, not from anything this session cached.
    $child = Invoke-ChildPwsh -Script @"
`$ErrorActionPreference = 'Stop'
`$module = Import-Module '$ModulePath' -PassThru
`$common = [System.Management.Automation.Cmdlet]::CommonParameters
`$facts = foreach (`$command in `$module.ExportedCmdlets.Values) {
    `$help = Get-Help `$command.Name -Full
    [pscustomobject]@{
        Name        = `$command.Name
        HelpFile    = `$command.HelpFile
        Synopsis    = "`$(`$help.Synopsis)".Trim()
        Description = (@(`$help.description | ForEach-Object Text) -join ' ').Trim()
        Parameters  = @(`$command.Parameters.Keys | Where-Object { `$_ -notin `$common } | ForEach-Object {
            `$p = Get-Help `$command.Name -Parameter `$_
            [pscustomobject]@{ Name = `$_; Text = (@(`$p.description | ForEach-Object Text) -join ' ').Trim(); Type = "`$(`$p.type.name)" }
        })
        Examples    = @(`$help.examples.example | ForEach-Object { [pscustomobject]@{ Code = "`$(`$_.code)"; Remarks = (@(`$_.remarks | ForEach-Object Text) -join ' ').Trim() } })
        Inputs      = @(`$help.inputTypes.inputType | ForEach-Object { "`$(`$_.type.name)" })
        Outputs     = @(`$help.returnValues.returnValue | ForEach-Object { "`$(`$_.type.name)" })
        Syntax      = (Get-Help `$command.Name | Out-String -Width 1000)
    }
}
'HELP-JSON:' + (ConvertTo-Json -InputObject @(`$facts) -Depth 6 -Compress)
"@
    $line = $child.Output | Where-Object { $_.StartsWith('HELP-JSON:') } | Select-Object -First 1
    if (-not $line) {
        throw "the child process printed no help facts (exit code $($child.ExitCode)): $($child.Output -join "`n")"
    }
    $script:Help = @{}
    foreach ($fact in ($line.Substring('HELP-JSON:'.Length) | ConvertFrom-Json)) { $Help[$fact.Name] = $fact }
}

Describe 'Get-Help <Name>' -ForEach $Commands {
    BeforeEach { $fact = $Help[$Name] }

    It 'comes from the generated MAML file' {
        $fact | Should -Not -BeNullOrEmpty -Because "$Name must be exported"
        $fact.HelpFile | Should -Be 'StacPkg.dll-Help.xml'
        Join-Path $ModulePath "en-US/$($fact.HelpFile)" | Should -Exist
    }

    It 'has a synopsis and a description' {
        $fact.Synopsis | Should -Not -BeNullOrEmpty
        # Without MAML, Get-Help makes the synopsis up from the syntax; it must be the page's sentence.
        $fact.Synopsis | Should -Not -Match ([regex]::Escape("$Name ["))
        $fact.Description.Length | Should -BeGreaterThan 40
    }

    It 'describes every parameter except the common parameters' {
        $fact.Parameters.Count | Should -BeGreaterThan 0
        foreach ($p in $fact.Parameters) {
            $p.Text | Should -Not -BeNullOrEmpty -Because "-$($p.Name) of $Name needs help"
            $p.Type | Should -Not -BeNullOrEmpty -Because "-$($p.Name) of $Name shows its type"
        }
    }

    It 'has at least two examples, each with code' {
        $fact.Examples.Count | Should -BeGreaterOrEqual 2
        foreach ($example in $fact.Examples) {
            $example.Code | Should -Match $Name -Because 'an example shows the cmdlet it documents'
        }
    }

    It 'names its inputs and outputs, and shows the syntax with the common parameters' {
        $fact.Inputs | Should -Not -BeNullOrEmpty
        $fact.Outputs | Should -Not -BeNullOrEmpty
        $fact.Syntax | Should -Match ([regex]::Escape('[<CommonParameters>]'))
    }
}
