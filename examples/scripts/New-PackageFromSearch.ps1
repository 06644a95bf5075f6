<#
.SYNOPSIS
    Builds a StacPkg package from a STAC API item search, following the API's next links.
.DESCRIPTION
    A step of examples/azure-pipelines.yml. Pages are requested as the API's links say (GET, or POST
    with the link's body) until there is no next link or -MaxItems Items were read; each page
    streams into New-StacPackage, which probes every asset for the lock.
#>
param(
    [Parameter(Mandatory)] [string] $Api,
    [Parameter(Mandatory)] [string] $Path,
    [string[]] $Collection,
    [double[]] $Bbox,
    [string] $Datetime,
    [int] $Limit = 100,
    [int] $MaxItems = 10000,
    [switch] $IncludeAssets
)
$ErrorActionPreference = 'Stop'
$ProgressPreference = 'SilentlyContinue'
Import-Module StacPkg

$query = [Collections.Generic.List[string]]::new()
if ($Collection) { $query.Add('collections=' + [uri]::EscapeDataString($Collection -join ',')) }
if ($Bbox) { $query.Add('bbox=' + (($Bbox | ForEach-Object { $_.ToString([Globalization.CultureInfo]::InvariantCulture) }) -join ',')) }
if ($Datetime) { $query.Add('datetime=' + [uri]::EscapeDataString($Datetime)) }
$query.Add("limit=$Limit")
$first = @{ Method = 'Get'; Uri = "$($Api.TrimEnd('/'))/search?$($query -join '&')" }

# One search page after another, as objects; ConvertFrom-StacJson takes each page's features.
$pages = & {
    $request = $first
    $read = 0
    while ($request -and $read -lt $MaxItems) {
        $page = Invoke-RestMethod @request
        $read += @($page.features).Count
        $page
        $next = @($page.links | Where-Object rel -EQ 'next') | Select-Object -First 1
        $request = if ($next -and @($page.features).Count -gt 0) {
            if ($next.method -eq 'POST') {
                @{ Method = 'Post'; Uri = $next.href; ContentType = 'application/json'; Body = ($next.body | ConvertTo-Json -Depth 20 -Compress) }
            }
            else {
                @{ Method = 'Get'; Uri = $next.href }
            }
        }
    }
}
$package = @{ Path = $Path; IncludeAssets = $IncludeAssets }
$info = $pages | ConvertFrom-StacJson | Select-Object -First $MaxItems | New-StacPackage @package
"Packaged $($info.ItemCount) Items and $($info.AssetCount) assets in $Path"
