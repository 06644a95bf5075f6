using Azure;

namespace StacPkg.Core.Stores;

/// <summary>Turns Azure.Storage.Blobs failures into <see cref="StoreException"/>s whose messages name the blob and never a credential.</summary>
internal static class AzureBlobErrors
{
    public static StoreException Map(Exception error, string where, string operation)
    {
        // Azure.Core reports spent retries as an AggregateException of every try; the last one decides.
        var last = error is AggregateException { InnerExceptions.Count: > 0 } aggregate ? aggregate.InnerExceptions[^1] : error;
        if (last is RequestFailedException { Status: > 0 } failed)
        {
            var code = failed.ErrorCode ?? "no error code";
            return new StoreException(KindOf(failed.Status, failed.ErrorCode), $"{where}: {operation} failed: {code} (HTTP {failed.Status})", error);
        }
        var transport = NetworkErrorKind.Classify(last);
        return transport is { } kind
            ? new StoreException(kind, $"{where}: {operation} failed: {NetworkErrorKind.Describe(last)}", error)
            : new StoreException(StoreErrorKind.Permanent, $"{where}: {operation} failed: {last.GetType().Name}", error);
    }

    private static StoreErrorKind KindOf(int status, string? code) => code switch
    {
        "AuthenticationFailed" or "AuthorizationFailure" or "AuthorizationPermissionMismatch" or "AuthorizationPermissionDenied"
            or "InsufficientAccountPermissions" or "NoAuthenticationInformation" or "InvalidAuthenticationInfo" => StoreErrorKind.Unauthorized,
        // A checksum mismatch means the bytes were damaged on the way: sending them again can work.
        "ServerBusy" or "OperationTimedOut" or "InternalError" or "Md5Mismatch" or "Crc64Mismatch" => StoreErrorKind.Transient,
        "ContainerNotFound" or "AccountIsDisabled" or "ContainerBeingDeleted" or "ContainerDisabled" => StoreErrorKind.Unreachable,
        _ => status switch
        {
            401 or 403 => StoreErrorKind.Unauthorized,
            408 or 429 or >= 500 => StoreErrorKind.Transient,
            _ => StoreErrorKind.Permanent,
        },
    };
}
