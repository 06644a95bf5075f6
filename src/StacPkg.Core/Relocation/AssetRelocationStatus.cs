namespace StacPkg.Core.Relocation;

/// <summary>What happened to one lock row.</summary>
public enum AssetRelocationStatus
{
    /// <summary>Copied and verified at the target.</summary>
    Copied,

    /// <summary>The target already held identical content (a rerun resumes).</summary>
    Skipped,

    /// <summary>Outside the source prefix: the row is returned unchanged.</summary>
    PassedThrough,

    /// <summary>Plan mode: the row the copy would produce, nothing copied.</summary>
    Planned,

    /// <summary>Not relocated; <see cref="AssetRelocationResult.Error"/> says why.</summary>
    Failed,

    /// <summary>Not read: a local source outside the allowed roots, or hidden (<see cref="AssetRelocationOptions.LocalSources"/>).</summary>
    Refused,
}
