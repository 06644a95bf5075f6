using System.Globalization;
using System.Text;

namespace StacPkg.Core.Packaging;

/// <summary>
/// Values (ids, keys, paths) written into one line of Markdown. A line break or other control
/// character in a value would end the line and inject lines of its own, so it is written as an
/// escape (\n, \r, \t, \uXXXX); other text, backslashes of Windows paths included, is unchanged.
/// </summary>
internal static class MarkdownText
{
    public static string Inline(string value)
    {
        if (!value.Any(NeedsEscape))
        {
            return value;
        }
        var text = new StringBuilder(value.Length + 8);
        foreach (var c in value)
        {
            text.Append(c switch
            {
                '\n' => @"\n",
                '\r' => @"\r",
                '\t' => @"\t",
                _ when NeedsEscape(c) => string.Create(CultureInfo.InvariantCulture, $@"\u{(int)c:X4}"),
                _ => c.ToString(),
            });
        }
        return text.ToString();
    }

    // Line and paragraph separators end a line for some renderers too.
    private static bool NeedsEscape(char c) => char.IsControl(c) || c is '\u2028' or '\u2029';
}
