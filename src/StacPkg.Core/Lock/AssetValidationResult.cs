using StacPkg.Core.Stores;

namespace StacPkg.Core.Lock;

/// <summary>The outcome of checking one lock row against its store.</summary>
public sealed class AssetValidationResult
{
    public AssetValidationResult(AssetLockEntry entry, bool valid, IReadOnlyList<string> reasons, ObjectFacts? observed, string? observedChecksum,
        IReadOnlyList<string>? notes = null)
    {
        Notes = notes ?? [];
        Entry = entry;
        Valid = valid;
        Reasons = reasons;
        Observed = observed;
        ObservedChecksum = observedChecksum;
    }

    public AssetLockEntry Entry { get; }
    public string ItemId => Entry.ItemId;
    public string AssetKey => Entry.AssetKey;
    public string Href => Entry.Href;
    public bool Valid { get; }

    /// <summary>Why the row is invalid ("size 10 != locked 12", "missing", "unreachable: …"); empty when valid.</summary>
    public IReadOnlyList<string> Reasons { get; }

    /// <summary>The facts the store returned, or null when the object is missing or the store did not answer.</summary>
    public ObjectFacts? Observed { get; }

    /// <summary>What was not compared and why ("no locked checksum to compare"); never a reason to fail.</summary>
    public IReadOnlyList<string> Notes { get; }

    /// <summary>The multihash of the content, when -Checksum read it.</summary>
    public string? ObservedChecksum { get; }
}
