using System.Net;
using Amazon.Runtime;

namespace StacPkg.Core.Stores;

/// <summary>
/// The SDK's own HttpClient (same connection, proxy, redirect and timeout settings), except that a
/// body follows its headers at once: AWSSDK.S3 sends every PutObject and UploadPart with
/// "Expect: 100-continue", which costs a round trip per object waiting for the server's go-ahead.
/// </summary>
internal sealed class S3HttpClientFactory : HttpClientFactory
{
    public override HttpClient CreateHttpClient(IClientConfig clientConfig)
    {
        ArgumentNullException.ThrowIfNull(clientConfig);
        var handler = new SocketsHttpHandler
        {
            EnableMultipleHttp2Connections = true,
            Expect100ContinueTimeout = TimeSpan.Zero,
            AllowAutoRedirect = clientConfig.AllowAutoRedirect,
            AutomaticDecompression = DecompressionMethods.None,
        };
        if (clientConfig.ConnectTimeout is { } connectTimeout) handler.ConnectTimeout = connectTimeout;
        if (clientConfig.MaxConnectionsPerServer is { } connections) handler.MaxConnectionsPerServer = connections;
        if (clientConfig.GetWebProxy() is { } proxy)
        {
            if (clientConfig.ProxyCredentials is { } credentials) proxy.Credentials = credentials;
            handler.Proxy = proxy;
        }
        var client = new HttpClient(handler);
        if (clientConfig.Timeout is { } timeout) client.Timeout = timeout;
        return client;
    }
}
