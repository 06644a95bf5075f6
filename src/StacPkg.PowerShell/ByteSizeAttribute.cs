using System.Globalization;
using System.Management.Automation;
using System.Text.RegularExpressions;

namespace StacPkg.PowerShell;

/// <summary>
/// Binds a byte size to a <c>[long]</c> parameter from a number (<c>512MB</c> is already a number in
/// PowerShell) or a string such as <c>8MiB</c>, <c>64MB</c>, <c>1.5GiB</c> or <c>4096</c>. Units are
/// 1024-based, as PowerShell's own KB/MB/GB/TB/PB literals: KB = KiB = 1024 bytes.
/// </summary>
[AttributeUsage(AttributeTargets.Property | AttributeTargets.Field)]
internal sealed class ByteSizeAttribute : ArgumentTransformationAttribute
{
    public override object Transform(EngineIntrinsics engineIntrinsics, object inputData)
    {
        var value = inputData is PSObject ps ? ps.BaseObject : inputData;
        switch (value)
        {
            case string text:
                if (ByteSize.TryParse(text, out var parsed)) return parsed;
                throw new ArgumentTransformationMetadataException(
                    $"'{text}' is not a byte size: use a number of bytes or a number with a unit (B, KB/KiB, MB/MiB, GB/GiB, TB/TiB), e.g. 8MiB or 512MB.");
            case long or int or short or byte or uint or ushort or sbyte:
                return Convert.ToInt64(value, CultureInfo.InvariantCulture);
            case ulong or double or float or decimal:
                try
                {
                    var d = Convert.ToDecimal(value, CultureInfo.InvariantCulture);
                    if (d == decimal.Truncate(d) && d <= long.MaxValue && d >= long.MinValue) return (long)d;
                }
                catch (OverflowException)
                {
                }
                throw new ArgumentTransformationMetadataException($"'{value}' is not a whole number of bytes.");
            default:
                return inputData;
        }
    }
}

/// <summary>Parses byte sizes written as a number with an optional 1024-based unit.</summary>
internal static partial class ByteSize
{
    [GeneratedRegex(@"^\s*(?<n>\d+(?:\.\d+)?)\s*(?<u>[KMGTP]i?B|B)?\s*$", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex Pattern();

    public static bool TryParse(string text, out long bytes)
    {
        bytes = 0;
        var match = Pattern().Match(text ?? "");
        if (!match.Success) return false;
        if (!decimal.TryParse(match.Groups["n"].Value, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var number)) return false;
        var unit = match.Groups["u"].Success ? char.ToUpperInvariant(match.Groups["u"].Value[0]) : 'B';
        var power = "BKMGTP".IndexOf(unit);
        decimal result = number;
        try
        {
            for (var i = 0; i < power; i++) result *= 1024;
        }
        catch (OverflowException)
        {
            return false;
        }
        if (result != decimal.Truncate(result) || result > long.MaxValue) return false;
        bytes = (long)result;
        return true;
    }
}
