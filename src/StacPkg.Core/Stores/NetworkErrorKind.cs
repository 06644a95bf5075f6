using System.Net.Http;
using System.Net.Sockets;

namespace StacPkg.Core.Stores;

/// <summary>
/// Classifies transport failures below the HTTP layer (sockets, DNS, resets, timeouts) the same way for
/// every SDK-backed store.
/// </summary>
internal static class NetworkErrorKind
{
    /// <summary>The kind of a transport failure somewhere in <paramref name="error"/>'s chain, or null when there is none.</summary>
    public static StoreErrorKind? Classify(Exception error)
    {
        for (Exception? e = error; e is not null; e = e.InnerException)
        {
            switch (e)
            {
                case SocketException socket:
                    return socket.SocketErrorCode switch
                    {
                        SocketError.ConnectionRefused or SocketError.HostNotFound or SocketError.HostUnreachable
                            or SocketError.NetworkUnreachable or SocketError.NoData or SocketError.AddressNotAvailable
                            => StoreErrorKind.Unreachable,
                        _ => StoreErrorKind.Transient,
                    };
                case HttpRequestException { HttpRequestError: HttpRequestError.NameResolutionError or HttpRequestError.ConnectionError } http
                    when http.InnerException is not SocketException:
                    return StoreErrorKind.Unreachable;
                case AggregateException aggregate when aggregate.InnerExceptions.Count > 0:
                    // Azure.Core throws an AggregateException once its retries are spent; the last try decides.
                    return Classify(aggregate.InnerExceptions[^1]);
            }
        }
        for (Exception? e = error; e is not null; e = e.InnerException)
        {
            // A reset, a truncated body or an SDK timeout: worth another try.
            if (e is IOException or HttpRequestException or TimeoutException or OperationCanceledException) return StoreErrorKind.Transient;
        }
        return null;
    }

    /// <summary>A short, secret-free description of the deepest transport failure in the chain.</summary>
    public static string Describe(Exception error)
    {
        var deepest = error;
        for (Exception? e = error; e is not null; e = e is AggregateException { InnerExceptions.Count: > 0 } a ? a.InnerExceptions[^1] : e.InnerException)
        {
            if (e is SocketException or IOException or HttpRequestException or TimeoutException) deepest = e;
        }
        return deepest is SocketException socket ? $"{socket.SocketErrorCode}: {socket.Message}" : deepest.Message;
    }
}
