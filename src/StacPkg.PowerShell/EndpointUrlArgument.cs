using System.Management.Automation;

namespace StacPkg.PowerShell;

/// <summary>
/// The -EndpointUrl check every cmdlet makes before it does anything: a URL with user info or a
/// query would be written into lock rows (store_endpoint_url) and messages, so it is refused with
/// a terminating error that shows it without them. Credentials come from the AWS or Azure chain.
/// </summary>
/// <remarks>
/// Not a validation attribute: PowerShell's own binding error for one cannot be serialised with
/// ConvertTo-Json, which scripts and CI logs do with $Error.
/// </remarks>
internal static class EndpointUrlArgument
{
    public static void Check(StacCmdlet cmdlet, string? endpoint)
    {
        if (endpoint is null) return;
        try
        {
            StacPkg.Core.Stores.StoreEndpoint.Check(endpoint);
        }
        catch (FormatException ex)
        {
            // The parameter is the target: the value itself may hold the secret in a form no redaction knows.
            cmdlet.ThrowTerminatingError(new ErrorRecord(new ArgumentException(ex.Message, "EndpointUrl"), "InvalidEndpointUrl", ErrorCategory.InvalidArgument, "EndpointUrl"));
        }
    }
}
