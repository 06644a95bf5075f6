namespace StacPkg.Core.IO;

/// <summary>
/// What a <see cref="StagedDirectory"/> builds: the word its messages use for it, how to recognise
/// one already at the target (only such a folder, or an empty one, is replaced), and the exception
/// its callers expect.
/// </summary>
internal sealed record StagedDirectoryKind(string Noun, Func<string, bool> IsOne, Func<string, Exception> Error);
