namespace StacPkg.Core.Packaging;

/// <summary>
/// A package that may not be used as it is: it holds links or files it does not define
/// (<see cref="Corrupt"/> false), or files that differ from its manifest (<see cref="Corrupt"/> true).
/// The message names the first entries; <see cref="Entries"/> has them all.
/// </summary>
public sealed class StacPackageContentException : StacPackageException
{
    public StacPackageContentException(string message, IReadOnlyList<StacPackageEntry> entries, bool corrupt)
        : base($"{message}: {StacPackageEntry.Summarize(entries)}")
    {
        Entries = entries;
        Corrupt = corrupt;
    }

    public IReadOnlyList<StacPackageEntry> Entries { get; }

    public bool Corrupt { get; }
}
