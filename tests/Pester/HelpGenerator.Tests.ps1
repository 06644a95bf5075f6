# The markdown -> MAML step of build.ps1 (tools/Help/New-HelpXml.ps1): valid MAML from the real
# pages, and a failed build naming the page for each way a page can be incomplete.

BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    $script:Generator = Join-Path $RepoRoot 'tools/Help/New-HelpXml.ps1'
    $script:Docs = Join-Path $RepoRoot 'docs/help'

    # Runs the generator in a fresh process (it imports the module) on a copy of docs/help changed by -Change.
    function Invoke-Generator {
        param([scriptblock] $Change = {})
        $root = (New-Item -ItemType Directory -Path (Join-Path ([IO.Path]::GetTempPath()) "stacpkg-helpgen-$([guid]::NewGuid().ToString('N').Substring(0, 8))")).FullName
        try {
            $pages = Join-Path $root 'docs'
            Copy-Item -LiteralPath $Docs -Destination $pages -Recurse
            & $Change $pages
            $out = Join-Path $root 'en-US'
            # The message as thrown, not as the error view wraps it for a console.
            $run = Invoke-ChildPwsh -Script "try { & '$Generator' -ModulePath '$ModulePath' -DocsPath '$pages' -OutputDirectory '$out' } catch { 'GENERATOR-ERROR: ' + `$_.Exception.Message; exit 1 }"
            $file = Join-Path $out 'StacPkg.dll-Help.xml'
            [pscustomobject]@{
                ExitCode = $run.ExitCode
                Output   = $run.Output -join "`n"
                Xml      = if (Test-Path -LiteralPath $file) { [xml](Get-Content -LiteralPath $file -Raw) }
            }
        }
        finally {
            Remove-Item -LiteralPath $root -Recurse -Force -ErrorAction SilentlyContinue
        }
    }

    function Edit-Page([string] $Path, [scriptblock] $Edit) {
        Set-Content -LiteralPath $Path -Value (& $Edit (Get-Content -LiteralPath $Path -Raw)) -NoNewline
    }
}

Describe 'New-HelpXml.ps1' {
    It 'writes MAML with a command entry for every exported cmdlet, its parameters from the cmdlet and its text from the page' {
        $run = Invoke-Generator
        $run.ExitCode | Should -Be 0 -Because $run.Output
        $ns = [Xml.XmlNamespaceManager]::new($run.Xml.NameTable)
        $ns.AddNamespace('msh', 'http://msh')
        $ns.AddNamespace('command', 'http://schemas.microsoft.com/maml/dev/command/2004/10')
        $ns.AddNamespace('maml', 'http://schemas.microsoft.com/maml/2004/10')
        $ns.AddNamespace('dev', 'http://schemas.microsoft.com/maml/dev/2004/10')
        $exported = @((Import-PowerShellDataFile (Join-Path $ModulePath 'StacPkg.psd1')).CmdletsToExport | Sort-Object)
        @($run.Xml.SelectNodes('/msh:helpItems/command:command/command:details/command:name', $ns).InnerText | Sort-Object) | Should -Be $exported

        $move = $run.Xml.SelectSingleNode("/msh:helpItems/command:command[command:details/command:name='Move-StacAsset']", $ns)
        $move.SelectSingleNode('command:details/maml:description/maml:para', $ns).InnerText | Should -BeLike 'Relocates (copies) locked assets*'
        $layout = $move.SelectSingleNode("command:parameters/command:parameter[maml:name='Layout']", $ns)
        @($layout.SelectNodes('command:parameterValueGroup/command:parameterValue', $ns).InnerText) | Should -Be @('ItemAsset', 'SourceKey')
        $layout.SelectSingleNode('dev:defaultValue', $ns).InnerText | Should -Be 'ItemAsset'
        $destination = $move.SelectSingleNode("command:parameters/command:parameter[maml:name='Destination']", $ns)
        $destination.required | Should -Be 'true'
        $destination.position | Should -Be '0'
        $input = $move.SelectSingleNode("command:parameters/command:parameter[maml:name='InputObject']", $ns)
        $input.pipelineInput | Should -Be 'True (ByValue)'
        $input.SelectSingleNode('dev:type/maml:name', $ns).InnerText | Should -Be 'AssetLockEntry[]'
        $examples = @($move.SelectNodes('command:examples/command:example', $ns))
        $examples.Count | Should -BeGreaterOrEqual 2
        $examples[0].SelectSingleNode('dev:code', $ns).InnerText | Should -Match 'Move-StacAsset'
        $move.SelectSingleNode('command:inputTypes/command:inputType/dev:type/maml:name', $ns).InnerText | Should -Be 'StacPkg.Core.Lock.AssetLockEntry'
        $move.SelectSingleNode('command:relatedLinks/maml:navigationLink/maml:linkText', $ns).InnerText | Should -Be 'Import-StacAssetLock'
        $run.Output | Should -Not -Match 'example:requires' -Because 'markers are not help text'
        $run.Xml.OuterXml | Should -Not -Match 'example:requires'

        $get = $run.Xml.SelectSingleNode("/msh:helpItems/command:command[command:details/command:name='Get-StacPackage']", $ns)
        @($get.SelectNodes('command:syntax/command:syntaxItem', $ns)).Count | Should -Be 2 -Because 'Get-StacPackage has the Path and LiteralPath sets'
        $literal = $get.SelectSingleNode("command:parameters/command:parameter[maml:name='LiteralPath']", $ns)
        $literal.aliases | Should -Be 'PSPath, LP'
        $get.SelectSingleNode("command:parameters/command:parameter[maml:name='Path']", $ns).globbing | Should -Be 'true'
    }

    It 'fails naming the page when <Case>' -ForEach @(
        @{ Case = 'an exported cmdlet has no page'; Page = 'Test-StacPackage.md'; Message = 'is missing: every exported cmdlet needs one'
            Change = { param($d) Remove-Item (Join-Path $d 'Test-StacPackage.md') } }
        @{ Case = 'a section is missing'; Page = 'Get-StacPackage.md'; Message = "the section '## OUTPUTS' is missing"
            Change = { param($d) Edit-Page (Join-Path $d 'Get-StacPackage.md') { param($t) $t -replace '## OUTPUTS', '## RESULTS' } } }
        @{ Case = 'a page documents a parameter the cmdlet does not have'; Page = 'Import-StacItem.md'; Message = 'documents parameter(s) -Recurse that Import-StacItem does not have'
            Change = { param($d) Edit-Page (Join-Path $d 'Import-StacItem.md') { param($t) $t -replace '### CommonParameters', "### -Recurse`nReads folders.`n`n### CommonParameters" } } }
        @{ Case = 'a parameter of the cmdlet is not documented'; Page = 'Move-StacAsset.md'; Message = 'parameter(s) -ChunkSize of Move-StacAsset are not documented'
            Change = { param($d) Edit-Page (Join-Path $d 'Move-StacAsset.md') { param($t) $t -replace '(?s)### -ChunkSize.*?(?=### -Confirm)', '' } } }
        @{ Case = 'a page has only one example'; Page = 'Test-StacPackage.md'; Message = 'has 1 example(s)'
            Change = { param($d) Edit-Page (Join-Path $d 'Test-StacPackage.md') { param($t) $t -replace '(?s)### Example 2:.*?(?=## PARAMETERS)', '' } } }
        @{ Case = 'a page has no cmdlet'; Page = 'Get-StacThing.md'; Message = "documents 'Get-StacThing', which the module does not export"
            Change = { param($d) Copy-Item (Join-Path $d 'Get-StacPackage.md') (Join-Path $d 'Get-StacThing.md') } }
    ) {
        $run = Invoke-Generator -Change $Change
        $run.ExitCode | Should -Not -Be 0
        $run.Xml | Should -BeNullOrEmpty -Because 'no help file is written from incomplete pages'
        $run.Output | Should -Match ('GENERATOR-ERROR: (.|\n)*' + [regex]::Escape("$Page") + '[^\n]*' + [regex]::Escape($Message))
    }
}
