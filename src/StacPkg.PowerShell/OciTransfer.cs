using System.Management.Automation;
using StacPkg.Core.Oci;
using StacPkg.Core.Packaging;
using StacPkg.Core.Stores;

namespace StacPkg.PowerShell;

/// <summary>
/// The Core side of the registry cmdlets: the reference and registry options from their parameters,
/// running a push or pull with throttled progress on the pipeline thread, and error records by kind.
/// </summary>
internal static class OciTransfer
{
    /// <summary>How often the pipeline thread looks at a running transfer's progress.</summary>
    private static readonly TimeSpan ProgressPoll = TimeSpan.FromMilliseconds(250);

    /// <summary>The parsed -Reference; a terminating error when it does not parse.</summary>
    public static OciReference Reference(OciCmdlet cmdlet)
    {
        try
        {
            return OciReference.Parse(cmdlet.Reference);
        }
        catch (FormatException ex)
        {
            cmdlet.ThrowTerminatingError(new ErrorRecord(new ArgumentException(ex.Message, nameof(OciCmdlet.Reference), ex), "InvalidOciReference", ErrorCategory.InvalidArgument, cmdlet.Reference));
            throw;
        }
    }

    /// <summary>Registry options from the parameters: -Credential first, then the Docker config's entry for the registry, else anonymous.</summary>
    public static OciRegistryOptions Options(OciCmdlet cmdlet, OciReference reference, int chunkSize = OciRegistryOptions.DefaultChunkSize)
    {
        OciCredential? credential = null;
        if (cmdlet.Credential is { } given)
        {
            credential = new OciCredential(given.UserName, given.GetNetworkCredential().Password);
        }
        else
        {
            var path = DockerConfig.DefaultPath();
            if (cmdlet.DockerConfigPath is { } explicitPath)
            {
                path = FileSystemPaths.ResolveOutput(cmdlet, explicitPath, literal: true);
                if (!File.Exists(path))
                {
                    cmdlet.ThrowTerminatingError(StacErrors.PathNotFound(explicitPath));
                }
            }
            try
            {
                credential = Await(cmdlet, DockerConfig.FindAsync(path, reference.Registry, cmdlet.CancellationToken));
            }
            catch (OciException ex)
            {
                cmdlet.ThrowTerminatingError(Failed(ex, reference.ToString(), "OciAuthenticationFailed"));
            }
            if (credential is not null)
            {
                cmdlet.WriteVerbose($"Using the credentials of user '{credential.UserName}' for {reference.Registry} from the Docker config '{path}'.");
            }
        }
        return new OciRegistryOptions
        {
            Credential = credential,
            PlainHttp = cmdlet.PlainHttp,
            SkipCertificateCheck = cmdlet.SkipCertificateCheck,
            ChunkSize = chunkSize,
            ThrottleLimit = cmdlet.ThrottleLimit,
        };
    }

    /// <summary>
    /// Runs a transfer to its end, showing its progress; its failure is a terminating error naming
    /// <paramref name="target"/>, with <paramref name="packageErrorId"/> when the package directory was the problem.
    /// </summary>
    public static OciPackageDescriptor Run(OciCmdlet cmdlet, Func<OciTransferProgress, CancellationToken, Task<OciPackageDescriptor>> start,
        string activity, string target, string packageErrorId)
    {
        var progress = new OciTransferProgress();
        var throttle = new ProgressThrottle(cmdlet, ProgressActivityId, activity);
        var task = start(progress, cmdlet.CancellationToken);
        try
        {
            // After Ctrl+C no progress is written (that throws while stopping, leaving before the transfer
            // has cleaned up): the transfer sees the same token, and the wait below lasts until it has stopped.
            while (!task.IsCompleted && !cmdlet.CancellationToken.IsCancellationRequested)
            {
                // Cancelling the delay on Ctrl+C only ends the wait.
                cmdlet.Wait(Task.WhenAny(task, Task.Delay(ProgressPoll, cmdlet.CancellationToken)));
                if (!cmdlet.CancellationToken.IsCancellationRequested)
                {
                    throttle.Report(() => Status(progress));
                }
            }
            return Await(cmdlet, task);
        }
        catch (Exception ex) when (ex is OciException or StoreException or StacPackageException or IOException or UnauthorizedAccessException)
        {
            cmdlet.ThrowTerminatingError(Failed(ex, target, packageErrorId));
            throw;
        }
        finally
        {
            throttle.Complete();
        }
    }

    private const int ProgressActivityId = 0x5ACA;

    private static T Await<T>(StacCmdlet cmdlet, Task<T> task)
    {
        cmdlet.Wait(task);
        return task.Result;
    }

    private static string Status(OciTransferProgress progress)
    {
        var total = Math.Max(progress.BytesTotal, 1);
        return $"{progress.Current}: {progress.BytesDone / (1024 * 1024)} of {progress.BytesTotal / (1024 * 1024)} MiB ({100 * progress.BytesDone / total}%)";
    }

    /// <summary>An error record whose category says what the user can do: authenticate, ask for access, fix the reference, or distrust the artifact.</summary>
    private static ErrorRecord Failed(Exception error, string target, string packageErrorId)
    {
        var (id, category) = error switch
        {
            OciException { Kind: OciErrorKind.Authentication } => ("OciAuthenticationFailed", ErrorCategory.AuthenticationError),
            OciException { Kind: OciErrorKind.Denied } => ("OciAccessDenied", ErrorCategory.PermissionDenied),
            OciException { Kind: OciErrorKind.NotFound } => ("OciNotFound", ErrorCategory.ObjectNotFound),
            OciException { Kind: OciErrorKind.InvalidArtifact } => ("OciInvalidArtifact", ErrorCategory.InvalidData),
            OciException => ("OciProtocolError", ErrorCategory.ProtocolError),
            StoreException => ("OciConnectionFailed", ErrorCategory.ConnectionError),
            StacPackageContentException { Corrupt: true } => ("PackageFileMismatch", ErrorCategory.InvalidData),
            StacPackageContentException => ("PackageHasUndefinedContent", ErrorCategory.SecurityError),
            StacPackageException => (packageErrorId, ErrorCategory.InvalidData),
            _ => (packageErrorId, ErrorCategory.WriteError),
        };
        return new ErrorRecord(error, id, category, target);
    }
}
