namespace StacPkg.Core.Stac;

/// <summary>
/// Recognises JSON saved in an encoding other than UTF-8 (Windows PowerShell's Out-File and '>'
/// write UTF-16), so the reader can say so instead of "expected a JSON object or array".
/// </summary>
internal static class JsonTextEncoding
{
    /// <summary>
    /// The name of the encoding the first bytes of a file show, or null for UTF-8 (or too few bytes
    /// to tell). Without a byte-order mark, a NUL byte beside the first character gives UTF-16 away:
    /// JSON text starts with an ASCII character, and UTF-8 JSON has no NUL byte.
    /// </summary>
    public static string? NotUtf8(ReadOnlySpan<byte> start) => start switch
    {
        [0xFF, 0xFE, 0x00, 0x00, ..] => "UTF-32 (little-endian)",
        [0x00, 0x00, 0xFE, 0xFF, ..] => "UTF-32 (big-endian)",
        [0xFF, 0xFE, ..] => "UTF-16 (little-endian)",
        [0xFE, 0xFF, ..] => "UTF-16 (big-endian)",
        [not 0x00, 0x00, ..] => "UTF-16 (little-endian)",
        [0x00, not 0x00, ..] => "UTF-16 (big-endian)",
        _ => null,
    };

    /// <summary>Why a file in <paramref name="encoding"/> is refused, and what to do.</summary>
    public static string Reason(string encoding) =>
        $"the file is {encoding} text, but JSON files must be UTF-8: save it as UTF-8 (for example: Get-Content in.json | Set-Content -Encoding utf8NoBOM out.json)";
}
