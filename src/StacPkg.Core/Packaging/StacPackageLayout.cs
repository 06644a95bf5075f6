using StacPkg.Core.Lock;

namespace StacPkg.Core.Packaging;

/// <summary>The fixed names inside a package directory.</summary>
public static class StacPackageLayout
{
    public const string ItemsFileName = "items.parquet";
    public const string LockFileName = AssetLockFile.FileName;

    /// <summary>True when <paramref name="directory"/> holds both tables.</summary>
    public static bool IsPackage(string directory) =>
        File.Exists(Path.Combine(directory, ItemsFileName)) && File.Exists(Path.Combine(directory, LockFileName));

    /// <summary>Names an -Include file may not take, because the package's own content uses them.</summary>
    internal static bool IsReserved(string name) =>
        string.Equals(name, ItemsFileName, StringComparison.OrdinalIgnoreCase)
        || string.Equals(name, LockFileName, StringComparison.OrdinalIgnoreCase)
        || string.Equals(name, PackageManifest.FileName, StringComparison.OrdinalIgnoreCase)
        || string.Equals(name, PackagePaths.AssetsFolder, StringComparison.OrdinalIgnoreCase);
}
