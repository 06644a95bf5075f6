using System.Text;

namespace StacPkg.Core.Oci;

/// <summary>
/// One <c>WWW-Authenticate</c> challenge (RFC 7235): a scheme and its parameters, such as
/// <c>Bearer realm="https://auth.example/token",service="registry",scope="repository:a/b:pull"</c>.
/// </summary>
public sealed record OciAuthChallenge(string Scheme, IReadOnlyDictionary<string, string> Parameters)
{
    public bool IsBearer => Scheme.Equals("Bearer", StringComparison.OrdinalIgnoreCase);
    public bool IsBasic => Scheme.Equals("Basic", StringComparison.OrdinalIgnoreCase);

    public string? Realm => Get("realm");
    public string? Service => Get("service");
    public string? Scope => Get("scope");

    private string? Get(string name) => Parameters.TryGetValue(name, out var value) ? value : null;

    /// <summary>Parses a header value; parameter names are case-insensitive, quoted values may hold commas and escaped quotes.</summary>
    /// <exception cref="FormatException">No scheme, or a parameter that does not parse.</exception>
    public static OciAuthChallenge Parse(string header)
    {
        ArgumentNullException.ThrowIfNull(header);
        var text = header.Trim();
        var space = text.IndexOf(' ', StringComparison.Ordinal);
        var scheme = space < 0 ? text : text[..space];
        if (scheme.Length == 0)
        {
            throw new FormatException("an authentication challenge without a scheme");
        }
        var parameters = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        var i = space < 0 ? text.Length : space + 1;
        while (i < text.Length)
        {
            while (i < text.Length && (text[i] == ' ' || text[i] == ','))
            {
                i++;
            }
            if (i >= text.Length)
            {
                break;
            }
            var equals = text.IndexOf('=', i);
            if (equals < 0)
            {
                throw new FormatException($"a {scheme} challenge parameter without '=' at position {i}");
            }
            var name = text[i..equals].Trim();
            i = equals + 1;
            string value;
            if (i < text.Length && text[i] == '"')
            {
                var builder = new StringBuilder();
                i++;
                while (i < text.Length && text[i] != '"')
                {
                    if (text[i] == '\\' && i + 1 < text.Length)
                    {
                        i++;
                    }
                    builder.Append(text[i++]);
                }
                if (i >= text.Length)
                {
                    throw new FormatException($"a {scheme} challenge parameter '{name}' with an unclosed quote");
                }
                i++;
                value = builder.ToString();
            }
            else
            {
                var comma = text.IndexOf(',', i);
                var end = comma < 0 ? text.Length : comma;
                value = text[i..end].Trim();
                i = end;
            }
            parameters[name] = value;
        }
        return new OciAuthChallenge(scheme, parameters);
    }
}
