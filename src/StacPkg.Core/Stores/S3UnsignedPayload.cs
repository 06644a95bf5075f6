using Amazon.Runtime;
using Amazon.Runtime.Internal;

namespace StacPkg.Core.Stores;

/// <summary>
/// Lets a streamed part go out with an UNSIGNED-PAYLOAD signature over plain http too. AWSSDK.S3 streams
/// a non-seekable part only when payload signing is disabled, and its signer refuses that flag over http;
/// cleared just before signing, the signer finds no seekable body to hash and signs UNSIGNED-PAYLOAD,
/// which S3 and S3-compatible servers accept. The bytes are hashed once, by the caller, instead of twice.
/// </summary>
internal sealed class S3UnsignedPayload : PipelineHandler
{
    public override void InvokeSync(IExecutionContext executionContext)
    {
        Prepare(executionContext);
        base.InvokeSync(executionContext);
    }

    public override Task<T> InvokeAsync<T>(IExecutionContext executionContext)
    {
        Prepare(executionContext);
        return base.InvokeAsync<T>(executionContext);
    }

    private static void Prepare(IExecutionContext executionContext)
    {
        var request = executionContext.RequestContext.Request;
        if (request.DisablePayloadSigning == true && request.ContentStream is { CanSeek: false } && request.Endpoint.Scheme == Uri.UriSchemeHttp)
        {
            request.DisablePayloadSigning = null;
            request.UseChunkEncoding = false;
        }
    }
}
