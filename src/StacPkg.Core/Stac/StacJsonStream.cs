namespace StacPkg.Core.Stac;

/// <summary>
/// Turns JSON text arriving in any chunking into Items, emitting each as soon as it is complete.
/// (Being implemented: signature fixed for the cmdlets.)
/// </summary>
public sealed class StacJsonStream
{
    /// <param name="inputName">File path for error messages, or null for pipeline input.</param>
    public StacJsonStream(string? inputName = null) => InputName = inputName;

    public string? InputName { get; }

    /// <summary>Feeds text; returns the results completed by it.</summary>
    public IReadOnlyList<StacReadResult> Push(string text) => throw new NotImplementedException(text);

    /// <summary>Feeds UTF-8 bytes; returns the results completed by them.</summary>
    public IReadOnlyList<StacReadResult> Push(ReadOnlySpan<byte> utf8) => throw new NotImplementedException();

    /// <summary>Ends the input: a value still open is reported as truncated.</summary>
    public IReadOnlyList<StacReadResult> Complete() => throw new NotImplementedException();
}
