using System.Management.Automation;
using StacPkg.Core.Lock;
using StacPkg.Core.Stac;
using StacPkg.Core.Stores;

namespace StacPkg.PowerShell;

/// <summary>The error records StacPkg cmdlets write, so ids and categories stay the same everywhere.</summary>
internal static class StacErrors
{
    /// <summary>
    /// <paramref name="record"/> with no secret in its message, target (and so its CategoryInfo) or
    /// details: itself when it has none. A string target is redacted as text, an Item target is
    /// replaced by a copy without signed hrefs; the exception is replaced by one with the redacted
    /// message (and no inner exception, whose message could repeat the secret).
    /// </summary>
    public static ErrorRecord Redacted(ErrorRecord record)
    {
        var exception = record.Exception;
        var message = SecretText.Redact(exception.Message);
        var target = record.TargetObject switch
        {
            string text => SecretText.Redact(text),
            StacItem item => SignedHrefs.Remove(item, out _),
            var other => other,
        };
        var details = record.ErrorDetails?.Message is { } shown ? SecretText.Redact(shown) : null;
        var innerClean = true;
        for (var inner = exception.InnerException; inner is not null && innerClean; inner = inner.InnerException)
        {
            innerClean = ReferenceEquals(SecretText.Redact(inner.Message), inner.Message);
        }
        if (ReferenceEquals(message, exception.Message) && innerClean && ReferenceEquals(target, record.TargetObject)
            && ReferenceEquals(details, record.ErrorDetails?.Message))
        {
            return record;
        }
        if (!ReferenceEquals(message, exception.Message) || !innerClean)
        {
            exception = exception is ArgumentException ? new ArgumentException(message) : new InvalidOperationException(message);
        }
        var redacted = new ErrorRecord(exception, record.FullyQualifiedErrorId, record.CategoryInfo.Category, target);
        if (details is not null)
        {
            redacted.ErrorDetails = new ErrorDetails(details) { RecommendedAction = record.ErrorDetails!.RecommendedAction };
        }
        return redacted;
    }

    /// <summary>Text for a stream (warning, verbose, debug, progress) with no secret in it.</summary>
    public static string Redacted(string text) => SecretText.Redact(text);

    /// <summary>An input value that is not a valid STAC Item; the message names the line or item and the reason.</summary>
    public static ErrorRecord InvalidItem(StacFormatException error, object? target) =>
        new(error, "InvalidStacItem", ErrorCategory.InvalidData, target);

    public static ErrorRecord PathNotFound(string path) =>
        new(new ItemNotFoundException($"Cannot find path '{path}' because it does not exist."),
            "PathNotFound", ErrorCategory.ObjectNotFound, path);

    /// <summary>A directory where a file to read was expected: said as such, not as "does not exist" or "access denied".</summary>
    public static ErrorRecord DirectoryNotFile(string path, string directory) =>
        new(new ArgumentException($"'{directory}' is a directory, not a file; name a file in it."),
            "PathIsDirectory", ErrorCategory.InvalidArgument, path);

    public static ErrorRecord NotFileSystemPath(string path, ProviderInfo provider) =>
        new(new ArgumentException($"The path '{path}' is on the {provider.Name} provider; StacPkg reads and writes files only."),
            "NotFileSystemPath", ErrorCategory.InvalidArgument, path);

    public static ErrorRecord FileReadFailed(Exception error, string path) =>
        new(error, "FileReadFailed", ErrorCategory.ReadError, path);

    public static ErrorRecord FileWriteFailed(Exception error, string path) =>
        new(error, "FileWriteFailed", ErrorCategory.WriteError, path);

    /// <summary>
    /// A lock row that did not validate, with the row as target. The category says what a script
    /// can do about it: the object is gone (ObjectNotFound), the store did not answer
    /// (ConnectionError), or the object differs from the lock (InvalidResult).
    /// </summary>
    public static ErrorRecord AssetInvalid(AssetValidationResult result)
    {
        var reasons = string.Join("; ", result.Reasons);
        var (id, category) = result.Observed is not null
            ? ("AssetMismatch", ErrorCategory.InvalidResult)
            : result.Reasons.Any(r => r.StartsWith("missing", StringComparison.OrdinalIgnoreCase) || r.StartsWith("not found", StringComparison.OrdinalIgnoreCase))
                ? ("AssetMissing", ErrorCategory.ObjectNotFound)
                : result.Reasons.Any(r => r.StartsWith("unreachable", StringComparison.OrdinalIgnoreCase) || r.StartsWith("unauthorized", StringComparison.OrdinalIgnoreCase))
                    ? ("AssetUnreachable", ErrorCategory.ConnectionError)
                    : ("AssetInvalid", ErrorCategory.InvalidData);
        return new ErrorRecord(new InvalidOperationException($"Asset {Describe(result.Entry)} does not match the lock: {reasons}"),
            id, category, result.Entry);
    }

    /// <summary>A lock file, or one row of it, that could not be read; the target is the file.</summary>
    public static ErrorRecord LockReadFailed(AssetLockException error) =>
        new(error, error.Row is null ? "AssetLockUnreadable" : "AssetLockRowInvalid", ErrorCategory.InvalidData, error.Path);

    /// <summary>
    /// An asset that got no lock row: an href that is not a supported form (InvalidData), or an
    /// object its store could not show (ObjectNotFound / ConnectionError). The target is the row
    /// when there is one, else "item/asset".
    /// </summary>
    public static ErrorRecord AssetNotLocked(AssetLockBuildResult result)
    {
        var message = result.Error ?? "not locked";
        var (id, category) = result.Entry is null
            ? ("UnsupportedAssetHref", ErrorCategory.InvalidData)
            : message.EndsWith(": missing", StringComparison.Ordinal)
                ? ("AssetMissing", ErrorCategory.ObjectNotFound)
                : ("AssetProbeFailed", ErrorCategory.ConnectionError);
        // Core names the asset in some messages and not in others (a store's own failure): name it once.
        if (!message.StartsWith("item '", StringComparison.Ordinal))
        {
            message = $"item '{result.ItemId}' asset '{result.AssetKey}': {message}";
        }
        return new ErrorRecord(new InvalidOperationException(message), id, category, (object?)result.Entry ?? $"{result.ItemId}/{result.AssetKey}");
    }

    /// <summary>A lock row whose local file was not read: outside the allowed roots (-SourceRoot) or hidden; the row is the target.</summary>
    public static ErrorRecord LocalPathRefused(string message, AssetLockEntry entry) =>
        new(new UnauthorizedAccessException(message), "LocalPathOutsideRoot", ErrorCategory.PermissionDenied, entry);

    /// <summary>A package that could not be written or read as a whole; the target is its path.</summary>
    public static ErrorRecord PackageFailed(Exception error, string id, string path) =>
        new(error, id, error is StacPkg.Core.Packaging.StacPackageException ? ErrorCategory.InvalidData : ErrorCategory.WriteError, path);

    /// <summary>A file of a package that is missing or differs from the package's manifest; the target is the file's full path.</summary>
    public static ErrorRecord PackageFileMismatch(string package, StacPkg.Core.Packaging.StacPackageEntry mismatch) =>
        new(new InvalidDataException($"Package '{package}': '{mismatch.Path}' does not match the manifest: {mismatch.Message}"),
            "PackageFileMismatch", ErrorCategory.InvalidData, System.IO.Path.Combine(package, mismatch.Path));

    /// <summary>A package check that failed, with the check result as target.</summary>
    public static ErrorRecord PackageCheckFailed(StacPkg.Core.Packaging.StacPackageCheckResult result) =>
        new(new InvalidDataException($"Package '{result.Package}': {result.Message}"),
            result.Check switch
            {
                StacPkg.Core.Packaging.StacPackageValidator.PackageCheck => "NotAPackage",
                StacPkg.Core.Packaging.StacPackageValidator.LockRowCheck => "PackageAssetInvalid",
                StacPkg.Core.Packaging.StacPackageValidator.ManifestCheck => "PackageFileMismatch",
                StacPkg.Core.Packaging.StacPackageValidator.UndefinedContentCheck => "PackageHasUndefinedContent",
                _ => "PackageTableInvalid",
            },
            ErrorCategory.InvalidData, result);

    /// <summary>"item/asset (href)", with the href only when the row's location rebuilds one.</summary>
    public static string Describe(AssetLockEntry entry)
    {
        try
        {
            return $"{entry.ItemId}/{entry.AssetKey} ({entry.Href})";
        }
        catch (Exception)
        {
            // A row with an unknown store type has no href; its identity is still worth naming.
            return $"{entry.ItemId}/{entry.AssetKey}";
        }
    }

    /// <summary>
    /// An asset or alternate an alternate-asset cmdlet was asked to change but the Item lacks; the
    /// target is the Item, which is not emitted.
    /// </summary>
    public static ErrorRecord EnrichmentTargetMissing(StacPkg.Core.Enrichment.StacEnrichmentException error, StacItem item) =>
        new(error, item.Assets.ContainsKey(error.AssetKey) ? "AlternateAssetNotFound" : "StacAssetNotFound", ErrorCategory.ObjectNotFound, item);

    /// <summary>
    /// A switch refused because the old primary href would replace an existing alternate; the
    /// target is the Item, which is not emitted.
    /// </summary>
    public static ErrorRecord AlternateNameTaken(StacPkg.Core.Enrichment.AlternateNameTakenException error, StacItem item) =>
        new(error, "AlternateNameTaken", ErrorCategory.ResourceExists, item);
}
