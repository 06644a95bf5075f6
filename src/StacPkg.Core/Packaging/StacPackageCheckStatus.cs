namespace StacPkg.Core.Packaging;

/// <summary>The outcome of one package check.</summary>
public enum StacPackageCheckStatus
{
    Passed,

    /// <summary>Worth knowing, not a defect: an Item asset left out of the lock (by -AssetKey, or a metadata asset).</summary>
    Warning,

    Failed,
}
