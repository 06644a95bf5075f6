namespace StacPkg.Core.Stores;

/// <summary>How a store failure should be treated.</summary>
public enum StoreErrorKind
{
    /// <summary>Worth retrying: 5xx, 429, connection reset, timeout.</summary>
    Transient,
    /// <summary>Credentials missing or refused.</summary>
    Unauthorized,
    /// <summary>The store cannot be reached or does not exist (DNS, refused connection, unknown bucket).</summary>
    Unreachable,
    /// <summary>Anything else that will not change on retry.</summary>
    Permanent,
}
