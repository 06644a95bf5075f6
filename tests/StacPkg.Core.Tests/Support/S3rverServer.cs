using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;

namespace StacPkg.Core.Tests.Support;

/// <summary>
/// An s3rver (npm, pinned in tests/servers) on 127.0.0.1 for a test class (<c>IClassFixture</c>).
/// Tests call <see cref="RequireRunning"/> first: it skips locally / fails under CI=true when node or
/// s3rver is missing, and fails when the server could not start.
/// </summary>
public sealed class S3rverServer : IAsyncLifetime
{
    /// <summary>s3rver's fixed credentials.</summary>
    public const string AccessKey = "S3RVER";
    public const string SecretKey = "S3RVER";

    /// <summary>The launcher adds the multipart calls s3rver lacks (abort, list); see the script.</summary>
    private const string Script = "s3rver.mjs";
    private const string Installed = "node_modules/s3rver/package.json";

    private NodeServerProcess? _process;
    private string? _unavailable;
    private Exception? _startFailure;

    public string EndpointUrl => $"http://127.0.0.1:{Running.Port}";

    public static AWSCredentials Credentials => new BasicAWSCredentials(AccessKey, SecretKey);

    private NodeServerProcess Running => _process ?? throw new InvalidOperationException("s3rver is not running");

    public async Task InitializeAsync()
    {
        _unavailable = NodeServerProcess.UnavailableReason("s3rver", Installed);
        if (_unavailable is not null) return;
        try
        {
            _process = await NodeServerProcess.StartAsync("s3rver", Script,
                (port, data) => ["--directory", data, "--address", "127.0.0.1", "--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        }
        catch (Exception e)
        {
            _startFailure = e;
        }
    }

    public void RequireRunning()
    {
        if (_unavailable is not null) TestDependency.Unavailable(_unavailable);
        if (_startFailure is not null) throw new InvalidOperationException("s3rver did not start", _startFailure);
    }

    /// <summary>A client for test set-up and inspection, configured as the store configures custom endpoints.</summary>
    public AmazonS3Client CreateClient() => new(Credentials, new AmazonS3Config
    {
        ServiceURL = EndpointUrl,
        ForcePathStyle = true,
        AuthenticationRegion = "us-east-1",
        RequestChecksumCalculation = RequestChecksumCalculation.WHEN_REQUIRED,
        ResponseChecksumValidation = ResponseChecksumValidation.WHEN_REQUIRED,
    });

    /// <summary>Creates a fresh bucket and returns its name.</summary>
    public async Task<string> CreateBucketAsync()
    {
        var name = "b" + Guid.NewGuid().ToString("N")[..20];
        using var client = CreateClient();
        await client.PutBucketAsync(new PutBucketRequest { BucketName = name });
        return name;
    }

    /// <summary>Multipart uploads s3rver holds for <paramref name="bucket"/>, read from its data folder (usable mid-upload, synchronously).</summary>
    public int PendingUploads(string bucket)
    {
        var uploads = Path.Combine(Running.DataDirectory, bucket, "._S3rver_uploads");
        return Directory.Exists(uploads) ? Directory.GetDirectories(uploads).Length : 0;
    }

    public Task DisposeAsync()
    {
        _process?.Dispose();
        return Task.CompletedTask;
    }
}
