using System.Net;
using Amazon.Runtime;
using Amazon.S3;

namespace StacPkg.Core.Stores;

/// <summary>Turns AWSSDK failures into <see cref="StoreException"/>s whose messages name the object and never a credential.</summary>
internal static class S3Errors
{
    public static StoreException Map(Exception error, string where, string operation)
    {
        switch (error)
        {
            case AmazonServiceException service when service.StatusCode != 0 || service.ErrorCode is not null:
            {
                var kind = KindOf(service.StatusCode, service.ErrorCode);
                var code = service.ErrorCode ?? service.StatusCode.ToString();
                return new StoreException(kind, $"{where}: {operation} failed: {code} (HTTP {(int)service.StatusCode})", error);
            }
            default:
            {
                var transport = NetworkErrorKind.Classify(error);
                if (transport is { } kind)
                    return new StoreException(kind, $"{where}: {operation} failed: {NetworkErrorKind.Describe(error)}", error);
                // Client-side failures: mostly no credentials could be resolved from the AWS chain.
                var unauthorized = error is AmazonClientException && error.Message.Contains("credential", StringComparison.OrdinalIgnoreCase);
                return new StoreException(
                    unauthorized ? StoreErrorKind.Unauthorized : StoreErrorKind.Permanent,
                    unauthorized
                        ? $"{where}: {operation} failed: no AWS credentials were found (environment, profile, SSO or instance role)"
                        : $"{where}: {operation} failed: {error.GetType().Name}",
                    error);
            }
        }
    }

    private static StoreErrorKind KindOf(HttpStatusCode status, string? code) => code switch
    {
        "InvalidAccessKeyId" or "SignatureDoesNotMatch" or "AccessDenied" or "ExpiredToken" or "InvalidToken"
            or "TokenRefreshRequired" or "AuthorizationHeaderMalformed" => StoreErrorKind.Unauthorized,
        "SlowDown" or "Throttling" or "ThrottlingException" or "RequestTimeout" or "InternalError"
            or "ServiceUnavailable" => StoreErrorKind.Transient,
        "NoSuchBucket" => StoreErrorKind.Unreachable,
        _ => status switch
        {
            HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden => StoreErrorKind.Unauthorized,
            HttpStatusCode.TooManyRequests or HttpStatusCode.RequestTimeout => StoreErrorKind.Transient,
            >= HttpStatusCode.InternalServerError => StoreErrorKind.Transient,
            _ => StoreErrorKind.Permanent,
        },
    };
}
