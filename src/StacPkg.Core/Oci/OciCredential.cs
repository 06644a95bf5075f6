namespace StacPkg.Core.Oci;

/// <summary>A registry user name and password (or token). <see cref="ToString"/> never shows the password.</summary>
public sealed class OciCredential
{
    public OciCredential(string userName, string password)
    {
        UserName = userName;
        Password = password;
    }

    public string UserName { get; }

    public string Password { get; }

    /// <summary>The value of a Basic Authorization header.</summary>
    internal string BasicValue => Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes($"{UserName}:{Password}"));

    public override string ToString() => $"{UserName}:***";
}
