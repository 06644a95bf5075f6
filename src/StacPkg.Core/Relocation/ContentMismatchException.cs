namespace StacPkg.Core.Relocation;

/// <summary>
/// A source read that ended with other bytes than the lock records (length or sha2-256). An
/// <see cref="IOException"/>, so <see cref="Stores.Retry"/> treats it as transient: a byte flipped on
/// the wire is worth another read, and the target store, whose write fails with it, keeps nothing.
/// </summary>
internal sealed class ContentMismatchException(string message) : IOException(message);
