using StacPkg.Core.Lock;
using StacPkg.Core.Stac;

namespace StacPkg.Core.Tests;

/// <summary>
/// A damaged Parquet file is an error naming the file and saying it is not readable Parquet, never
/// a bare .NET message ("Index was outside the bounds of the array") from deep inside the reader.
/// </summary>
public sealed class ParquetDamageTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("stacpkg-damage-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    /// <summary>Copies of a fixture with 8 bytes overwritten at 63 evenly spaced places, by 0xFF and by 0x00.</summary>
    private IEnumerable<string> DamagedCopies(string source)
    {
        var bytes = File.ReadAllBytes(source);
        foreach (var fill in new byte[] { 0xFF, 0x00 })
        {
            for (var k = 1; k < 64; k++)
            {
                var damaged = (byte[])bytes.Clone();
                var at = (int)((long)k * bytes.Length / 64);
                Array.Fill(damaged, fill, at, 8);
                var path = Path.Combine(_dir, $"damaged-{fill:x2}-at-{at}.parquet");
                File.WriteAllBytes(path, damaged);
                yield return path;
            }
        }
    }

    [Fact]
    public async Task Every_damaged_items_file_either_reads_or_names_the_file()
    {
        var raw = new List<string>();
        foreach (var path in DamagedCopies(Fixtures.PathOf("rustac/100-sentinel-2-items.parquet")))
        {
            try
            {
                await foreach (var _ in StacItemFile.ReadAsync(path, CancellationToken.None))
                {
                }
            }
            catch (StacFormatException ex) when (ex.Message.StartsWith(path, StringComparison.Ordinal))
            {
                // Named; a damaged value in a readable page is an invalid Item, the rest "not a readable Parquet file".
                Assert.True(ex.Index is not null || ex.Reason.StartsWith("not a readable Parquet file", StringComparison.Ordinal), ex.Message);
            }
            catch (Exception ex)
            {
                raw.Add($"{Path.GetFileName(path)}: {ex.GetType().Name}: {ex.Message}");
            }
        }
        Assert.True(raw.Count == 0, string.Join("\n", raw));
    }

    [Fact]
    public async Task Every_damaged_lock_either_reads_or_names_the_file()
    {
        var lockFile = Path.Combine(_dir, "source.lock.parquet");
        await AssetLockFile.WriteAsync(lockFile, Enumerable.Range(0, 500).Select(i => new AssetLockEntry
        {
            ItemId = $"item-{i}",
            AssetKey = "data",
            StoreType = "https",
            StoreContainer = "https://example.com",
            Key = $"{i}.tif",
            SizeBytes = i,
        }), CancellationToken.None);
        var raw = new List<string>();
        foreach (var path in DamagedCopies(lockFile))
        {
            try
            {
                await foreach (var _ in AssetLockFile.ReadAsync(path, CancellationToken.None))
                {
                }
            }
            catch (AssetLockException ex) when (ex.Message.Contains(path, StringComparison.Ordinal))
            {
            }
            catch (Exception ex)
            {
                raw.Add($"{Path.GetFileName(path)}: {ex.GetType().Name}: {ex.Message}");
            }
        }
        Assert.True(raw.Count == 0, string.Join("\n", raw));
    }
}
