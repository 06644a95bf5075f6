# Dot-sourced by New-HelpXml.ps1 (the markdown -> MAML step of build.ps1) and by the Pester tests that
# run the examples: reads one docs/help/<Cmdlet>.md page (PlatyPS layout, see docs/help/README.md)
# into an object. Errors name the page and the section, so a broken page fails the build clearly.

# The sections every page has, in this order; NOTES is optional.
$script:RequiredHelpSections = 'SYNOPSIS', 'SYNTAX', 'DESCRIPTION', 'EXAMPLES', 'PARAMETERS', 'INPUTS', 'OUTPUTS', 'RELATED LINKS'

# A marker line `<!-- example:requires-network -->` (or requires-<anything>) before an example's code
# says what the example needs beyond the offline sample data; the example runner skips it.
$script:ExampleRequirementPattern = '^<!--\s*example:requires-([a-z0-9-]+)\s*-->$'

function Read-HelpPage {
    param([Parameter(Mandatory)] [string] $Path)

    $name = [IO.Path]::GetFileNameWithoutExtension($Path)
    $lines = [IO.File]::ReadAllLines($Path)
    $start = 0
    # The PlatyPS front matter (--- … ---) is metadata for tools, not help text.
    if ($lines.Count -gt 0 -and $lines[0] -eq '---') {
        $end = [Array]::IndexOf($lines, '---', 1)
        if ($end -lt 0) {
            throw "help page ${Path}: the front matter that starts on line 1 never ends with '---'"
        }
        $start = $end + 1
    }

    $title = $null
    $sections = [ordered]@{}
    $current = $null
    $inFence = $false
    for ($i = $start; $i -lt $lines.Count; $i++) {
        $line = $lines[$i]
        if ($line.StartsWith('```')) {
            $inFence = -not $inFence
        }
        if (-not $inFence -and $line -match '^# (.+)$') {
            $title = $Matches[1].Trim()
            continue
        }
        if (-not $inFence -and $line -match '^## (.+)$') {
            $current = $Matches[1].Trim()
            if ($sections.Contains($current)) {
                throw "help page ${Path}: section '## $current' appears twice (line $($i + 1))"
            }
            $sections[$current] = [Collections.Generic.List[string]]::new()
            continue
        }
        if ($null -ne $current) {
            $sections[$current].Add($line)
        }
    }
    if ($title -ne $name) {
        throw "help page ${Path}: the title '# $title' does not match the file name '$name'"
    }
    foreach ($section in $RequiredHelpSections) {
        if (-not $sections.Contains($section)) {
            throw "help page ${Path}: the section '## $section' is missing"
        }
    }

    $synopsis = (ConvertTo-HelpParagraph $sections['SYNOPSIS']) -join ' '
    if (-not $synopsis) {
        throw "help page ${Path}: '## SYNOPSIS' is empty"
    }
    $description = @(ConvertTo-HelpParagraph $sections['DESCRIPTION'])
    if ($description.Count -eq 0) {
        throw "help page ${Path}: '## DESCRIPTION' is empty"
    }

    $examples = @(foreach ($block in Split-HelpSubsection $sections['EXAMPLES']) {
            Read-HelpExample -Path $Path -Block $block
        })

    $parameters = [ordered]@{}
    foreach ($block in Split-HelpSubsection $sections['PARAMETERS']) {
        if ($block.Title -eq 'CommonParameters') {
            continue
        }
        if ($block.Title -notmatch '^-(\w+)$') {
            throw "help page ${Path}: '### $($block.Title)' under PARAMETERS is not a parameter heading ('### -Name')"
        }
        $parameterName = $Matches[1]
        $text = [Collections.Generic.List[string]]::new()
        $yaml = @{}
        $inYaml = $false
        foreach ($line in $block.Lines) {
            if ($line -eq '```yaml') { $inYaml = $true; continue }
            if ($inYaml -and $line -eq '```') { $inYaml = $false; continue }
            if ($inYaml) {
                if ($line -match '^([^:]+):\s*(.*)$') { $yaml[$Matches[1].Trim()] = $Matches[2].Trim() }
            }
            else {
                $text.Add($line)
            }
        }
        $paragraphs = @(ConvertTo-HelpParagraph $text)
        if ($paragraphs.Count -eq 0) {
            throw "help page ${Path}: parameter -$parameterName has no description"
        }
        $parameters[$parameterName] = [pscustomobject]@{
            Name         = $parameterName
            Description  = $paragraphs
            DefaultValue = if ($yaml['Default value']) { $yaml['Default value'] } else { 'None' }
        }
    }

    [pscustomobject]@{
        Name        = $name
        Path        = $Path
        Synopsis    = $synopsis
        Description = $description
        Examples    = $examples
        Parameters  = $parameters
        Inputs      = @(Read-HelpTypeList $sections['INPUTS'])
        Outputs     = @(Read-HelpTypeList $sections['OUTPUTS'])
        Notes       = @(if ($sections.Contains('NOTES')) { ConvertTo-HelpParagraph $sections['NOTES'] })
        Links       = @(foreach ($line in $sections['RELATED LINKS']) {
                if ($line -match '^\[([^\]]+)\]\(([^)]*)\)') {
                    # Links to sibling pages are names to Get-Help, not URIs.
                    $uri = if ($Matches[2] -match '^https?://') { $Matches[2] } else { '' }
                    [pscustomobject]@{ Text = $Matches[1]; Uri = $uri }
                }
            })
    }
}

# '### Title' blocks of a section, with the lines under each.
function Split-HelpSubsection([string[]] $Lines) {
    $block = $null
    $inFence = $false
    foreach ($line in $Lines) {
        if ($line.StartsWith('```')) {
            $inFence = -not $inFence
        }
        if (-not $inFence -and $line -match '^### (.+)$') {
            if ($block) { $block }
            $block = [pscustomobject]@{ Title = $Matches[1].Trim(); Lines = [Collections.Generic.List[string]]::new() }
            continue
        }
        if ($block) { $block.Lines.Add($line) }
    }
    if ($block) { $block }
}

function Read-HelpExample([string] $Path, $Block) {
    $code = [Collections.Generic.List[string]]::new()
    $remarks = [Collections.Generic.List[string]]::new()
    $requires = [Collections.Generic.List[string]]::new()
    $inCode = $false
    $blocks = 0
    foreach ($line in $Block.Lines) {
        if (-not $inCode -and $line -match '^```(powershell|pwsh|ps1)?\s*$' -and $blocks -eq 0) {
            $inCode = $true
            $blocks++
            continue
        }
        if ($inCode -and $line -eq '```') {
            $inCode = $false
            continue
        }
        if ($inCode) {
            $code.Add($line)
        }
        elseif ($line.Trim() -match $ExampleRequirementPattern) {
            $requires.Add($Matches[1])
        }
        else {
            $remarks.Add($line)
        }
    }
    if ($code.Count -eq 0) {
        throw "help page ${Path}: '### $($Block.Title)' has no ```powershell code block"
    }
    [pscustomobject]@{
        Title    = $Block.Title
        Code     = ($code -join "`n").Trim()
        Remarks  = @(ConvertTo-HelpParagraph $remarks)
        Requires = @($requires)
    }
}

# '### Type' entries of INPUTS or OUTPUTS, with their descriptions.
function Read-HelpTypeList([string[]] $Lines) {
    foreach ($block in Split-HelpSubsection $Lines) {
        [pscustomobject]@{ Type = $block.Title; Description = @(ConvertTo-HelpParagraph $block.Lines) }
    }
}

# Markdown text as help paragraphs: the lines of a paragraph joined, each list item its own
# paragraph, a fenced block kept as written.
function ConvertTo-HelpParagraph([string[]] $Lines) {
    $paragraph = [Collections.Generic.List[string]]::new()
    $fence = $null
    foreach ($line in @($Lines) + '') {
        if ($null -ne $fence) {
            if ($line.StartsWith('```')) {
                $fence -join "`n"
                $fence = $null
            }
            else {
                $fence.Add($line)
            }
            continue
        }
        if ($line.StartsWith('```')) {
            if ($paragraph.Count) { $paragraph -join ' '; $paragraph.Clear() }
            $fence = [Collections.Generic.List[string]]::new()
            continue
        }
        if ($line.Trim() -match '^<!--.*-->$') {
            continue
        }
        if ($line -match '^\s*$' -or $line -match '^\s*[-*] ') {
            if ($paragraph.Count) { $paragraph -join ' '; $paragraph.Clear() }
        }
        if ($line -notmatch '^\s*$') {
            $paragraph.Add($line.Trim())
        }
    }
}
