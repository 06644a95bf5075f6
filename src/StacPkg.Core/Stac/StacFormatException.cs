namespace StacPkg.Core.Stac;

/// <summary>Input that is not a valid STAC Item (or not valid JSON), with where it was found.</summary>
public sealed class StacFormatException : Exception
{
    public StacFormatException(string message, Exception? inner = null) : base(message, inner) { }

    /// <summary>The id of the offending item, when it has one.</summary>
    public string? ItemId { get; init; }

    /// <summary>Where the input came from: a file path, or null for pipeline text.</summary>
    public string? InputName { get; init; }

    /// <summary>1-based line where the offending value starts, when known.</summary>
    public long? Line { get; init; }

    /// <summary>1-based position of the item in its input, when known.</summary>
    public long? Index { get; init; }

    /// <summary>The reason alone, without location.</summary>
    public string Reason => base.Message;

    public override string Message
    {
        get
        {
            var where = new List<string>();
            if (InputName is not null) where.Add(InputName);
            if (Line is not null) where.Add($"line {Line}");
            if (Index is not null) where.Add($"item #{Index}");
            if (!string.IsNullOrEmpty(ItemId)) where.Add($"id '{ItemId}'");
            return where.Count == 0 ? Reason : $"{string.Join(", ", where)}: {Reason}";
        }
    }

    public StacFormatException At(string? source = null, long? line = null, long? index = null) =>
        new(Reason, InnerException)
        {
            ItemId = ItemId,
            InputName = source ?? InputName,
            Line = line ?? Line,
            Index = index ?? Index,
        };
}
