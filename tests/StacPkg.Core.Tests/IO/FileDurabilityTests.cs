using StacPkg.Core.IO;

namespace StacPkg.Core.Tests.IO;

public sealed class FileDurabilityTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("stacpkg-durability-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public async Task EveryRequestForAFolderFlushCompletesHoweverTheyInterleave()
    {
        // Requests racing with flushes that finish at once: each must be answered by a flush, none left waiting.
        var folders = Enumerable.Range(0, 3).Select(i => Directory.CreateDirectory(Path.Combine(_dir, $"f{i}")).FullName).ToArray();
        for (var round = 0; round < 50; round++)
        {
            var requests = Enumerable.Range(0, 60).Select(i => Task.Run(() => FileDurability.FlushFolderAsync(folders[i % folders.Length])));
            await Task.WhenAll(requests).WaitAsync(TimeSpan.FromSeconds(60));
        }
    }

    [Fact]
    public async Task AFolderThatCannotBeFlushedFailsItsRequest()
    {
        if (OperatingSystem.IsWindows()) return; // NTFS: nothing to flush, nothing to fail
        await Assert.ThrowsAsync<IOException>(() => FileDurability.FlushFolderAsync(Path.Combine(_dir, "missing")).WaitAsync(TimeSpan.FromSeconds(60)));
    }
}
