using Azure.Storage.Blobs;

namespace StacPkg.Core.Tests.Support;

/// <summary>
/// An Azurite blob service (npm, pinned in tests/servers) on 127.0.0.1 for a test class
/// (<c>IClassFixture</c>), started with --skipApiVersionCheck so a newer Azure.Storage.Blobs is accepted.
/// Tests call <see cref="RequireRunning"/> first: it skips locally / fails under CI=true when node or
/// Azurite is missing, and fails when the server could not start.
/// </summary>
public sealed class AzuriteServer : IAsyncLifetime
{
    /// <summary>Azurite's well-known development account.</summary>
    public const string AccountName = "devstoreaccount1";
    public const string AccountKey = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

    private const string Script = "node_modules/azurite/dist/src/blob/main.js";

    private NodeServerProcess? _process;
    private string? _unavailable;
    private Exception? _startFailure;

    /// <summary>The path-style account URL, as a lock row's store_endpoint_url holds it.</summary>
    public string AccountEndpoint => $"http://127.0.0.1:{Running.Port}/{AccountName}";

    public string ConnectionString =>
        $"DefaultEndpointsProtocol=http;AccountName={AccountName};AccountKey={AccountKey};BlobEndpoint={AccountEndpoint};";

    private NodeServerProcess Running => _process ?? throw new InvalidOperationException("Azurite is not running");

    public async Task InitializeAsync()
    {
        _unavailable = NodeServerProcess.UnavailableReason("Azurite", Script);
        if (_unavailable is not null) return;
        try
        {
            _process = await NodeServerProcess.StartAsync("azurite", Script,
                (port, data) => ["--blobHost", "127.0.0.1", "--blobPort", port.ToString(System.Globalization.CultureInfo.InvariantCulture),
                    "--location", data, "--skipApiVersionCheck", "--loose", "--silent"]);
        }
        catch (Exception e)
        {
            _startFailure = e;
        }
    }

    public void RequireRunning()
    {
        if (_unavailable is not null) TestDependency.Unavailable(_unavailable);
        if (_startFailure is not null) throw new InvalidOperationException("Azurite did not start", _startFailure);
    }

    /// <summary>Creates a fresh container and returns its name.</summary>
    public async Task<string> CreateContainerAsync()
    {
        var name = "c" + Guid.NewGuid().ToString("N")[..20];
        await new BlobServiceClient(ConnectionString).GetBlobContainerClient(name).CreateAsync();
        return name;
    }

    public Task DisposeAsync()
    {
        _process?.Dispose();
        return Task.CompletedTask;
    }
}
