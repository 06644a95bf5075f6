<#
.SYNOPSIS
    Turns docs/help/<Cmdlet>.md into the module's MAML help, <cmdlet assembly>-Help.xml (PlatyPS is not
    available to this project). build.ps1 runs it in a child process after laying out the module.
.DESCRIPTION
    Text (synopsis, description, parameter descriptions and defaults, examples, inputs, outputs, notes,
    links) comes from the pages; the facts a page could get wrong (parameter sets, types, mandatory,
    position, pipeline input, aliases, wildcards, accepted values) come from the compiled cmdlets.
    Fails, naming the page, when an exported cmdlet has no page, a page has no cmdlet, a section is
    missing, a page has fewer than two examples, or the documented parameters are not exactly the
    cmdlet's own (WhatIf and Confirm included, the common parameters excluded).
#>
param(
    [Parameter(Mandatory)] [string] $ModulePath,
    [Parameter(Mandatory)] [string] $DocsPath,
    # Where the help file goes; the module's en-US folder unless given.
    [string] $OutputDirectory = (Join-Path $ModulePath 'en-US')
)
$ErrorActionPreference = 'Stop'
Set-StrictMode -Version Latest
. (Join-Path $PSScriptRoot 'HelpPage.ps1')

$module = Import-Module $ModulePath -PassThru -Force
$commands = @($module.ExportedCmdlets.Values | Sort-Object Name)
if ($commands.Count -eq 0) {
    throw "the module in $ModulePath exports no cmdlets"
}
$assemblies = @($commands | ForEach-Object { $_.ImplementingType.Assembly.Location } | Sort-Object -Unique)
if ($assemblies.Count -ne 1) {
    throw "the cmdlets come from $($assemblies.Count) assemblies ($($assemblies -join ', ')); one help file serves one assembly"
}
# The name PowerShell looks for: the HelpFile of every cmdlet in the assembly.
$helpFileName = [IO.Path]::GetFileName($assemblies[0]) + '-Help.xml'

$pages = @(Get-ChildItem -LiteralPath $DocsPath -Filter '*-*.md' -File)
$problems = [Collections.Generic.List[string]]::new()
foreach ($page in $pages) {
    if ($page.BaseName -notin $commands.Name) {
        $problems.Add("help page $($page.FullName) documents '$($page.BaseName)', which the module does not export")
    }
}

$commonParameters = [Management.Automation.Cmdlet]::CommonParameters
$help = foreach ($command in $commands) {
    $pagePath = Join-Path $DocsPath "$($command.Name).md"
    if (-not (Test-Path -LiteralPath $pagePath)) {
        $problems.Add("help page $pagePath is missing: every exported cmdlet needs one")
        continue
    }
    try {
        $page = Read-HelpPage -Path $pagePath
    }
    catch {
        $problems.Add($_.Exception.Message)
        continue
    }
    if ($page.Examples.Count -lt 2) {
        $problems.Add("help page ${pagePath}: has $($page.Examples.Count) example(s) under '## EXAMPLES'; at least two are required")
    }
    $actual = @($command.Parameters.Keys | Where-Object { $_ -notin $commonParameters })
    $undocumented = @($actual | Where-Object { -not $page.Parameters.Contains($_) })
    $unknown = @($page.Parameters.Keys | Where-Object { $_ -notin $actual })
    if ($undocumented) {
        $problems.Add("help page ${pagePath}: parameter(s) $(($undocumented | ForEach-Object { "-$_" }) -join ', ') of $($command.Name) are not documented under '## PARAMETERS'")
    }
    if ($unknown) {
        $problems.Add("help page ${pagePath}: documents parameter(s) $(($unknown | ForEach-Object { "-$_" }) -join ', ') that $($command.Name) does not have")
    }
    [pscustomobject]@{ Command = $command; Page = $page }
}
if ($problems.Count -gt 0) {
    throw "help pages in $DocsPath are incomplete:`n  $($problems -join "`n  ")"
}

$maml = 'http://schemas.microsoft.com/maml/2004/10'
$commandNs = 'http://schemas.microsoft.com/maml/dev/command/2004/10'
$dev = 'http://schemas.microsoft.com/maml/dev/2004/10'

function Write-Para([Xml.XmlWriter] $Writer, [string[]] $Paragraphs) {
    foreach ($p in $Paragraphs) {
        $Writer.WriteElementString('maml', 'para', $maml, $p)
    }
}

function Write-Description([Xml.XmlWriter] $Writer, [string[]] $Paragraphs) {
    $Writer.WriteStartElement('maml', 'description', $maml)
    Write-Para $Writer $Paragraphs
    $Writer.WriteEndElement()
}

# A type name as help shows it: StacPkg.Core.Lock.AssetLockEntry[] -> AssetLockEntry[].
function Get-TypeDisplayName([type] $Type) {
    if ($Type -eq [Management.Automation.SwitchParameter]) { return 'SwitchParameter' }
    $Type.Name
}

function Get-PipelineInput([Management.Automation.ParameterMetadata] $Parameter) {
    $byValue = $Parameter.ParameterSets.Values.ValueFromPipeline -contains $true
    $byName = $Parameter.ParameterSets.Values.ValueFromPipelineByPropertyName -contains $true
    $kinds = @(if ($byValue) { 'ByValue' }; if ($byName) { 'ByPropertyName' })
    if ($kinds) { "True ($($kinds -join ', '))" } else { 'False' }
}

function Get-AcceptedValues([Management.Automation.ParameterMetadata] $Parameter) {
    $set = $Parameter.Attributes | Where-Object { $_ -is [Management.Automation.ValidateSetAttribute] } | Select-Object -First 1
    if ($set) { return @($set.ValidValues) }
    $type = $Parameter.ParameterType
    if ($type.IsArray) { $type = $type.GetElementType() }
    if ($type.IsEnum) { return @([Enum]::GetNames($type)) }
    @()
}

# One <command:parameter>: in a syntax item (-InSyntax, mandatory and position of that set) or in the parameter list.
function Write-Parameter {
    param([Xml.XmlWriter] $Writer, [Management.Automation.ParameterMetadata] $Parameter, $Doc, [bool] $Required, [int] $Position, [bool] $InSyntax)
    $isSwitch = $Parameter.SwitchParameter
    $typeName = Get-TypeDisplayName $Parameter.ParameterType
    $globbing = [bool]($Parameter.Attributes | Where-Object { $_ -is [Management.Automation.SupportsWildcardsAttribute] })
    $Writer.WriteStartElement('command', 'parameter', $commandNs)
    $Writer.WriteAttributeString('required', $Required.ToString().ToLowerInvariant())
    $Writer.WriteAttributeString('variableLength', $Parameter.ParameterType.IsArray.ToString().ToLowerInvariant())
    $Writer.WriteAttributeString('globbing', $globbing.ToString().ToLowerInvariant())
    $Writer.WriteAttributeString('pipelineInput', (Get-PipelineInput $Parameter))
    $Writer.WriteAttributeString('position', $(if ($Position -ge 0) { "$Position" } else { 'named' }))
    $Writer.WriteAttributeString('aliases', $(if ($Parameter.Aliases.Count) { $Parameter.Aliases -join ', ' } else { 'none' }))
    $Writer.WriteElementString('maml', 'name', $maml, $Parameter.Name)
    Write-Description $Writer $Doc.Description
    $accepted = @(Get-AcceptedValues $Parameter)
    if ($accepted.Count) {
        $Writer.WriteStartElement('command', 'parameterValueGroup', $commandNs)
        foreach ($value in $accepted) {
            $Writer.WriteStartElement('command', 'parameterValue', $commandNs)
            $Writer.WriteAttributeString('required', 'false')
            $Writer.WriteAttributeString('command', 'variableLength', $commandNs, 'false')
            $Writer.WriteString($value)
            $Writer.WriteEndElement()
        }
        $Writer.WriteEndElement()
    }
    # A switch takes no value: syntax shows [-Force], not [-Force <SwitchParameter>].
    if (-not ($isSwitch -and $InSyntax)) {
        $Writer.WriteStartElement('command', 'parameterValue', $commandNs)
        $Writer.WriteAttributeString('required', $(if ($isSwitch) { 'false' } else { 'true' }))
        $Writer.WriteAttributeString('variableLength', $Parameter.ParameterType.IsArray.ToString().ToLowerInvariant())
        $Writer.WriteString($typeName)
        $Writer.WriteEndElement()
    }
    $Writer.WriteStartElement('dev', 'type', $dev)
    $Writer.WriteElementString('maml', 'name', $maml, $typeName)
    $Writer.WriteElementString('maml', 'uri', $maml, '')
    $Writer.WriteEndElement()
    $Writer.WriteElementString('dev', 'defaultValue', $dev, $Doc.DefaultValue)
    $Writer.WriteEndElement()
}

function Write-TypeList([Xml.XmlWriter] $Writer, [string] $ListName, [string] $EntryName, $Entries) {
    $Writer.WriteStartElement('command', $ListName, $commandNs)
    foreach ($entry in $Entries) {
        $Writer.WriteStartElement('command', $EntryName, $commandNs)
        $Writer.WriteStartElement('dev', 'type', $dev)
        $Writer.WriteElementString('maml', 'name', $maml, $entry.Type)
        $Writer.WriteEndElement()
        Write-Description $Writer $entry.Description
        $Writer.WriteEndElement()
    }
    $Writer.WriteEndElement()
}

$outputPath = Join-Path $OutputDirectory $helpFileName
$null = New-Item -ItemType Directory -Path $OutputDirectory -Force
$temp = "$outputPath.tmp"
$settings = [Xml.XmlWriterSettings]@{ Indent = $true; Encoding = [Text.UTF8Encoding]::new($false) }
$writer = [Xml.XmlWriter]::Create($temp, $settings)
try {
    $writer.WriteStartDocument()
    $writer.WriteStartElement('helpItems', 'http://msh')
    $writer.WriteAttributeString('schema', 'maml')
    foreach ($entry in $help) {
        $command = $entry.Command
        $page = $entry.Page
        $writer.WriteStartElement('command', 'command', $commandNs)
        $writer.WriteAttributeString('xmlns', 'maml', $null, $maml)
        $writer.WriteAttributeString('xmlns', 'dev', $null, $dev)

        $writer.WriteStartElement('command', 'details', $commandNs)
        $writer.WriteElementString('command', 'name', $commandNs, $command.Name)
        $writer.WriteElementString('command', 'verb', $commandNs, $command.Verb)
        $writer.WriteElementString('command', 'noun', $commandNs, $command.Noun)
        Write-Description $writer $page.Synopsis
        $writer.WriteEndElement()

        Write-Description $writer $page.Description

        $writer.WriteStartElement('command', 'syntax', $commandNs)
        foreach ($set in $command.ParameterSets) {
            $writer.WriteStartElement('command', 'syntaxItem', $commandNs)
            $writer.WriteElementString('maml', 'name', $maml, $command.Name)
            # Positional first, then mandatory, then the rest: the order Get-Command -Syntax uses.
            $ordered = $set.Parameters | Where-Object { $_.Name -notin $commonParameters } |
                Sort-Object -Stable @{ Expression = { if ($_.Position -ge 0) { $_.Position } else { [int]::MaxValue } } }, @{ Expression = { -not $_.IsMandatory } }
            foreach ($p in $ordered) {
                Write-Parameter $writer $command.Parameters[$p.Name] $page.Parameters[$p.Name] $p.IsMandatory $p.Position $true
            }
            $writer.WriteEndElement()
        }
        $writer.WriteEndElement()

        $writer.WriteStartElement('command', 'parameters', $commandNs)
        foreach ($name in ($page.Parameters.Keys | Sort-Object)) {
            $parameter = $command.Parameters[$name]
            $sets = @($parameter.ParameterSets.Values)
            $required = @($sets | Where-Object IsMandatory).Count -eq $sets.Count
            $positions = @($sets.Position | Where-Object { $_ -ge 0 } | Sort-Object -Unique)
            $position = if ($positions.Count -eq 1) { $positions[0] } else { -1 }
            Write-Parameter $writer $parameter $page.Parameters[$name] $required $position $false
        }
        $writer.WriteEndElement()

        Write-TypeList $writer 'inputTypes' 'inputType' $page.Inputs
        Write-TypeList $writer 'returnValues' 'returnValue' $page.Outputs

        if ($page.Notes.Count) {
            $writer.WriteStartElement('maml', 'alertSet', $maml)
            $writer.WriteStartElement('maml', 'alert', $maml)
            Write-Para $writer $page.Notes
            $writer.WriteEndElement()
            $writer.WriteEndElement()
        }

        $writer.WriteStartElement('command', 'examples', $commandNs)
        foreach ($example in $page.Examples) {
            $writer.WriteStartElement('command', 'example', $commandNs)
            $writer.WriteElementString('maml', 'title', $maml, "--------- $($example.Title) ---------")
            $writer.WriteElementString('dev', 'code', $dev, $example.Code)
            $writer.WriteStartElement('dev', 'remarks', $dev)
            # The empty paragraph is the blank line Get-Help otherwise leaves out before the next example.
            Write-Para $writer (@($example.Remarks) + '')
            $writer.WriteEndElement()
            $writer.WriteEndElement()
        }
        $writer.WriteEndElement()

        $writer.WriteStartElement('command', 'relatedLinks', $commandNs)
        foreach ($link in $page.Links) {
            $writer.WriteStartElement('maml', 'navigationLink', $maml)
            $writer.WriteElementString('maml', 'linkText', $maml, $link.Text)
            $writer.WriteElementString('maml', 'uri', $maml, $link.Uri)
            $writer.WriteEndElement()
        }
        $writer.WriteEndElement()

        $writer.WriteEndElement()
    }
    $writer.WriteEndElement()
    $writer.WriteEndDocument()
}
finally {
    $writer.Dispose()
}
Move-Item -LiteralPath $temp -Destination $outputPath -Force
Write-Host "Wrote help for $(@($help).Count) cmdlets to $outputPath"
