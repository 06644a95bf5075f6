using System.Text;
using System.Text.RegularExpressions;

namespace StacPkg.Core.Lock;

/// <summary>
/// An asset key filter with PowerShell-style wildcards: <c>*</c> any run of characters, <c>?</c> one
/// character, <c>[abc]</c> / <c>[a-c]</c> a set, a backtick escapes the next character. Matching
/// ignores case, as PowerShell's -like does.
/// </summary>
public sealed class AssetKeyPattern
{
    private readonly Regex _regex;

    public AssetKeyPattern(string pattern)
    {
        Pattern = pattern;
        _regex = new Regex(ToRegex(pattern), RegexOptions.IgnoreCase | RegexOptions.CultureInvariant | RegexOptions.Singleline);
    }

    public string Pattern { get; }

    public bool IsMatch(string key) => _regex.IsMatch(key);

    /// <summary>True when any of <paramref name="patterns"/> matches; no patterns match everything.</summary>
    public static bool MatchesAny(IReadOnlyList<AssetKeyPattern>? patterns, string key) =>
        patterns is null || patterns.Count == 0 || patterns.Any(p => p.IsMatch(key));

    private static string ToRegex(string pattern)
    {
        var regex = new StringBuilder("^");
        for (var i = 0; i < pattern.Length; i++)
        {
            var c = pattern[i];
            switch (c)
            {
                case '`' when i + 1 < pattern.Length:
                    regex.Append(Regex.Escape(pattern[++i].ToString()));
                    break;
                case '*':
                    regex.Append(".*");
                    break;
                case '?':
                    regex.Append('.');
                    break;
                case '[' when pattern.IndexOf(']', i + 1) is var end and > 0 && end > i + 1:
                    var set = pattern[(i + 1)..end];
                    regex.Append('[').Append(set.Replace("\\", "\\\\").Replace("^", "\\^")).Append(']');
                    i = end;
                    break;
                default:
                    regex.Append(Regex.Escape(c.ToString()));
                    break;
            }
        }
        return regex.Append('$').ToString();
    }

    public override string ToString() => Pattern;
}
