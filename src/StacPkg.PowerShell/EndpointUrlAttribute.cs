using System.Management.Automation;

namespace StacPkg.PowerShell;

/// <summary>
/// Refuses an -EndpointUrl that is not a plain http(s) URL, before anything runs: user info or a
/// query would be written into lock rows (store_endpoint_url) and messages. The message shows the
/// URL without them; credentials come from the AWS or Azure chain.
/// </summary>
[AttributeUsage(AttributeTargets.Property | AttributeTargets.Field)]
internal sealed class EndpointUrlAttribute : ValidateArgumentsAttribute
{
    protected override void Validate(object arguments, EngineIntrinsics engineIntrinsics)
    {
        var value = arguments is PSObject ps ? ps.BaseObject : arguments;
        if (value is not string endpoint) return;
        try
        {
            StacPkg.Core.Stores.StoreEndpoint.Check(endpoint);
        }
        catch (FormatException ex)
        {
            throw new ValidationMetadataException(ex.Message);
        }
    }
}
