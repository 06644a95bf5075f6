namespace StacPkg.Core.Tests.Support;

/// <summary>Test content: repeatable random bytes, and everything a stream yields.</summary>
internal static class TestBytes
{
    public static byte[] Random(int count, int seed)
    {
        var bytes = new byte[count];
        new System.Random(seed).NextBytes(bytes);
        return bytes;
    }

    /// <summary>Reads the stream to its end and disposes it.</summary>
    public static async Task<byte[]> ReadAllAsync(Stream stream)
    {
        await using (stream)
        {
            using var copy = new MemoryStream();
            await stream.CopyToAsync(copy);
            return copy.ToArray();
        }
    }
}
