using System.Text;
using StacPkg.Core.Oci;
using StacPkg.Core.Tests.Support;

namespace StacPkg.Core.Tests.Oci;

/// <summary>
/// The Bearer token flow, which the Distribution registry only offers with an external token service:
/// a scripted server plays the registry and its token realm on one port.
/// </summary>
public sealed class OciRegistryClientTests
{
    private static byte[] Json(string status, string json, string headers = "") =>
        RawHttpServer.Response(status, $"Content-Type: application/json\r\nContent-Length: {Encoding.UTF8.GetByteCount(json)}\r\n{headers}", Encoding.UTF8.GetBytes(json));

    [Fact]
    public async Task A_bearer_challenge_gets_a_token_with_basic_credentials_and_tags_follow_pagination()
    {
        var heads = new List<string>();
        RawHttpServer? server = null;
        server = new RawHttpServer((n, head) =>
        {
            lock (heads) heads.Add(head);
            return n switch
            {
                1 => Json("401 Unauthorized", """{"errors":[{"code":"UNAUTHORIZED"}]}""",
                    $"WWW-Authenticate: Bearer realm=\"{server!.BaseUrl}/token\",service=\"test-registry\",scope=\"repository:stac/pkg:pull\"\r\n"),
                2 => Json("200 OK", """{"token":"t0k3n"}"""),
                3 => Json("200 OK", """{"name":"stac/pkg","tags":["v1"]}""", "Link: </v2/stac/pkg/tags/list?n=1000&last=v1>; rel=\"next\"\r\n"),
                _ => Json("200 OK", """{"name":"stac/pkg","tags":["v2"]}"""),
            };
        });
        await using var _ = server;
        using var client = new OciRegistryClient($"127.0.0.1:{server.Port}", new OciRegistryOptions
        {
            PlainHttp = true,
            Credential = new OciCredential("bot", "pa55"),
        }, push: false);

        var tags = await client.ListTagsAsync("stac/pkg", CancellationToken.None);

        Assert.Equal(["v1", "v2"], tags);
        Assert.Equal(4, server.Requests);
        Assert.StartsWith("GET /token?service=test-registry&scope=repository%3Astac%2Fpkg%3Apull ", heads[1]);
        Assert.Contains($"Authorization: Basic {Convert.ToBase64String(Encoding.UTF8.GetBytes("bot:pa55"))}", heads[1]);
        Assert.Contains("Authorization: Bearer t0k3n", heads[2]);
        Assert.StartsWith("GET /v2/stac/pkg/tags/list?n=1000&last=v1 ", heads[3]);
        Assert.Contains("Authorization: Bearer t0k3n", heads[3]);
    }

    [Fact]
    public async Task A_refused_token_is_an_authentication_error_that_names_the_user_and_not_the_password()
    {
        RawHttpServer? server = null;
        server = new RawHttpServer((n, _) => n == 1
            ? Json("401 Unauthorized", "{}", $"WWW-Authenticate: Bearer realm=\"{server!.BaseUrl}/token\",service=\"r\"\r\n")
            : Json("401 Unauthorized", "{}"));
        await using var _ = server;
        using var client = new OciRegistryClient($"127.0.0.1:{server.Port}", new OciRegistryOptions
        {
            PlainHttp = true,
            Credential = new OciCredential("bot", "wr0ng-pa55"),
        }, push: false);

        var error = await Assert.ThrowsAsync<OciException>(() => client.GetManifestAsync("stac/pkg", "v1", CancellationToken.None));

        Assert.Equal(OciErrorKind.Authentication, error.Kind);
        Assert.Contains("refused the credentials of user 'bot'", error.Message);
        Assert.DoesNotContain("wr0ng-pa55", error.ToString());
    }
}
