namespace StacPkg.Core.Packaging;

/// <summary>A package could not be built or read; the message names the package and what is wrong.</summary>
public class StacPackageException : Exception
{
    public StacPackageException(string message) : base(message) { }

    public StacPackageException(string message, Exception inner) : base(message, inner) { }
}
