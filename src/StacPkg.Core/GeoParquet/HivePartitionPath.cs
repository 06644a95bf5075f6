using System.Text;

namespace StacPkg.Core.GeoParquet;

/// <summary>
/// Hive-style partition folder names, <c>key=value</c>, as DuckDB, Spark and pyarrow write and read
/// them. A value is percent-encoded (UTF-8) except ASCII letters, digits and <c>-_.~</c>, so '/', '\',
/// '=', '%', ':', control characters and spaces never reach the file system; behind the
/// <c>key=</c> prefix no name can be '.' or '..', so no value leads out of its folder. A missing value
/// is Hive's default partition, which DuckDB reads as NULL.
/// </summary>
public static class HivePartitionPath
{
    /// <summary>The folder value Hive, Spark and DuckDB use for a NULL partition value.</summary>
    public const string DefaultPartition = "__HIVE_DEFAULT_PARTITION__";

    /// <summary>The longest folder name most file systems accept, in UTF-8 bytes.</summary>
    public const int MaxSegmentBytes = 255;

    /// <summary>The folder name for <paramref name="key"/> = <paramref name="value"/>; null is the default partition ("" stays "", as DuckDB writes and reads it).</summary>
    /// <exception cref="ArgumentException">The encoded name is longer than <see cref="MaxSegmentBytes"/>.</exception>
    public static string Segment(string key, string? value)
    {
        var segment = $"{key}={(value is null ? DefaultPartition : Escape(value))}";
        var length = Encoding.UTF8.GetByteCount(segment);
        return length <= MaxSegmentBytes
            ? segment
            : throw new ArgumentException($"the {key} '{value}' is too long for a partition folder name ({length} bytes encoded, at most {MaxSegmentBytes})", nameof(value));
    }

    /// <summary>The percent-encoded form of <paramref name="value"/> for a folder name.</summary>
    public static string Escape(string value)
    {
        var text = new StringBuilder(value.Length);
        var bytes = Encoding.UTF8.GetBytes(value);
        for (var i = 0; i < bytes.Length; i++)
        {
            var b = bytes[i];
            // Windows drops a trailing '.' from a name; the default partition's own name must stay NULL.
            var keep = IsPlain(b) && !(b == '.' && i == bytes.Length - 1) && !(i == 0 && value == DefaultPartition);
            if (keep)
            {
                text.Append((char)b);
            }
            else
            {
                text.Append('%').Append(b.ToString("X2", System.Globalization.CultureInfo.InvariantCulture));
            }
        }
        return text.ToString();
    }

    private static bool IsPlain(byte b) =>
        b is (>= (byte)'a' and <= (byte)'z') or (>= (byte)'A' and <= (byte)'Z') or (>= (byte)'0' and <= (byte)'9')
            or (byte)'-' or (byte)'_' or (byte)'.' or (byte)'~';

    /// <summary>
    /// The key and decoded value of a folder named <c>key=value</c> (value null for the default
    /// partition); false for any other name. See <see cref="Unescape"/>.
    /// </summary>
    public static bool TryParseSegment(string name, out string key, out string? value)
    {
        var equals = name.IndexOf('=', StringComparison.Ordinal);
        if (equals <= 0)
        {
            (key, value) = ("", null);
            return false;
        }
        key = name[..equals];
        var text = name[(equals + 1)..];
        value = text == DefaultPartition ? null : Unescape(text);
        return true;
    }

    /// <summary>Decodes %XX sequences as UTF-8 (bytes that are not UTF-8 become U+FFFD); any other character is kept as it is.</summary>
    public static string Unescape(string text)
    {
        if (!text.Contains('%', StringComparison.Ordinal))
        {
            return text;
        }
        var result = new StringBuilder(text.Length);
        var bytes = new List<byte>();
        for (var i = 0; i < text.Length; i++)
        {
            if (text[i] == '%' && i + 2 < text.Length && IsHex(text[i + 1]) && IsHex(text[i + 2]))
            {
                bytes.Add(Convert.ToByte(text.Substring(i + 1, 2), 16));
                i += 2;
                continue;
            }
            result.Append(Encoding.UTF8.GetString(bytes.ToArray())).Append(text[i]);
            bytes.Clear();
        }
        return result.Append(Encoding.UTF8.GetString(bytes.ToArray())).ToString();
    }

    private static bool IsHex(char c) => char.IsAsciiHexDigit(c);
}
