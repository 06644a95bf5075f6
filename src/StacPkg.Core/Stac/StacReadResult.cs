namespace StacPkg.Core.Stac;

/// <summary>One outcome of reading input: an Item, or the error that made one input value unusable.</summary>
public readonly record struct StacReadResult(StacItem? Item, StacFormatException? Error)
{
    public static StacReadResult Ok(StacItem item) => new(item, null);
    public static StacReadResult Fail(StacFormatException error) => new(null, error);
}
