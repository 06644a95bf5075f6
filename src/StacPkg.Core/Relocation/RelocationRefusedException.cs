namespace StacPkg.Core.Relocation;

/// <summary>A row the relocator declines (changed source, different target, failed verification): that row's error, never retried.</summary>
internal sealed class RelocationRefusedException(string message) : Exception(message);
