using Azure.Core;
using StacPkg.Core.Stores;

namespace StacPkg.Core.Tests;

/// <summary>
/// Entra ID sign-in for Azure Storage: no Entra ID tenant can be reached here, so these tests check
/// that a given token credential is what the store authenticates with, and that it is never used
/// over plain http.
/// </summary>
public sealed class AzureTokenCredentialTests
{
    private sealed class CountingCredential : TokenCredential
    {
        public List<string> Scopes { get; } = new();

        public override AccessToken GetToken(TokenRequestContext requestContext, CancellationToken cancellationToken)
        {
            lock (Scopes) Scopes.AddRange(requestContext.Scopes);
            return new AccessToken("not-a-real-token", DateTimeOffset.UtcNow.AddHours(1));
        }

        public override ValueTask<AccessToken> GetTokenAsync(TokenRequestContext requestContext, CancellationToken cancellationToken) =>
            ValueTask.FromResult(GetToken(requestContext, cancellationToken));
    }

    [Fact]
    public async Task A_given_token_credential_is_asked_for_a_storage_token()
    {
        var credential = new CountingCredential();
        var endpoint = $"https://127.0.0.1:{Support.ServerProcesses.FreePort()}/devstoreaccount1";
        var store = new AzureBlobStore(endpoint, new StoreOptions { AzureTokenCredential = credential }, 1024, 1024, maxRetries: 0);

        var error = await Assert.ThrowsAsync<StoreException>(() =>
            store.HeadAsync(new AssetLocation("az", "c", endpoint, "k.tif"), CancellationToken.None));

        Assert.Contains("https://storage.azure.com/.default", credential.Scopes);
        Assert.DoesNotContain("not-a-real-token", error.ToString());
    }

    [Fact]
    public void A_token_credential_is_refused_for_a_plain_http_account()
    {
        var error = Assert.Throws<StoreException>(() =>
            new AzureBlobStore("http://127.0.0.1:10000/devstoreaccount1", new StoreOptions { AzureTokenCredential = new CountingCredential() }));

        Assert.Equal(StoreErrorKind.Unauthorized, error.Kind);
        Assert.Contains("https", error.Message);
    }
}
