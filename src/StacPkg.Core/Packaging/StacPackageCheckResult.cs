namespace StacPkg.Core.Packaging;

/// <summary>
/// One check of a package: <see cref="Check"/> says what was checked (package, items-table,
/// lock-table, lock-row, item-asset, bundled-file), <see cref="Target"/> which part (a file, or
/// item/asset), and <see cref="Message"/> what was found.
/// </summary>
public sealed record StacPackageCheckResult(string Package, string Check, string Target, StacPackageCheckStatus Status, string Message)
{
    public bool IsValid => Status != StacPackageCheckStatus.Failed;

    /// <summary>For bundled files: the package-relative path of the file; else null.</summary>
    public string? File { get; init; }
}
