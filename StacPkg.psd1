# Template: build.ps1 copies this into out/StacPkg/ and sets ModuleVersion from VersionPrefix in
# Directory.Build.props, the one place the version is kept.
@{
    RootModule           = 'StacPkg.dll'
    ModuleVersion        = '0.0.0'
    GUID                 = '5b0e6f7c-3f0a-4d4e-9a55-2f1c8d6b7a41'
    Author               = 'StacPkg contributors'
    Copyright            = '(c) StacPkg contributors'
    Description          = 'STAC Items in and out of STAC GeoParquet, asset locks and reproducible STAC packages.'
    PowerShellVersion    = '7.4'
    CompatiblePSEditions = @('Core')
    FormatsToProcess     = @('StacPkg.Format.ps1xml')
    CmdletsToExport      = @(
        'Add-StacAlternateAsset'
        'ConvertFrom-StacJson'
        'ConvertTo-StacJson'
        'Export-StacAssetLock'
        'Export-StacItem'
        'Get-StacCollection'
        'Get-StacPackage'
        'Import-StacAssetLock'
        'Import-StacItem'
        'Merge-StacAssetLock'
        'Move-StacAsset'
        'New-StacAssetLock'
        'New-StacPackage'
        'Publish-StacPackage'
        'Remove-StacAlternateAsset'
        'Save-StacPackage'
        'Switch-StacAlternateAsset'
        'Test-StacAssetLock'
        'Test-StacPackage'
        'Update-StacItem'
    )
    FunctionsToExport    = @()
    VariablesToExport    = @()
    AliasesToExport      = @()
    PrivateData          = @{
        PSData = @{
            Tags = @('STAC', 'GeoParquet', 'Parquet', 'Geospatial', 'PSEdition_Core')
        }
    }
}
