using System.Buffers.Binary;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace StacPkg.Core.Lock;

/// <summary>
/// One shard of a lock split across the parallel jobs of an engine (Azure Pipelines, Kubernetes
/// Indexed Jobs). Every (item_id, asset_key) row belongs to exactly one shard, the same on every
/// machine, OS and runtime: the shard is the first 8 bytes of SHA-256 over
/// UTF-8(item_id) 0x00 UTF-8(asset_key), read as a big-endian unsigned integer, modulo the count.
/// </summary>
public sealed record AssetShard
{
    /// <summary>Azure Pipelines: the job's 1-based position and the job count of a parallel or matrix phase.</summary>
    public const string AzurePipelinesPositionVariable = "SYSTEM_JOBPOSITIONINPHASE";
    public const string AzurePipelinesTotalVariable = "SYSTEM_TOTALJOBSINPHASE";

    /// <summary>Kubernetes Indexed Jobs: the pod's 0-based completion index (the count is not exposed, so it must be given).</summary>
    public const string KubernetesIndexVariable = "JOB_COMPLETION_INDEX";

    public AssetShard(int index, int count)
    {
        if (count < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(count), count, "the shard count must be at least 1");
        }
        if (index < 0 || index >= count)
        {
            throw new ArgumentOutOfRangeException(nameof(index), index, $"the shard index must be from 0 to {count - 1}");
        }
        Index = index;
        Count = count;
    }

    /// <summary>0-based.</summary>
    public int Index { get; }

    public int Count { get; }

    /// <summary>Where the index and count came from: "parameters", or the engine variables that gave them.</summary>
    public string Source { get; init; } = "parameters";

    public bool Contains(string itemId, string assetKey) => Count == 1 || Of(itemId, assetKey, Count) == Index;

    public bool Contains(AssetLockEntry entry) => Contains(entry.ItemId, entry.AssetKey);

    /// <summary>The 0-based shard of a row among <paramref name="count"/> shards.</summary>
    public static int Of(string itemId, string assetKey, int count)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        var bytes = new byte[Encoding.UTF8.GetByteCount(itemId) + 1 + Encoding.UTF8.GetByteCount(assetKey)];
        var split = Encoding.UTF8.GetBytes(itemId, bytes);
        Encoding.UTF8.GetBytes(assetKey, bytes.AsSpan(split + 1));
        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(bytes, hash);
        return (int)(BinaryPrimitives.ReadUInt64BigEndian(hash) % (ulong)count);
    }

    /// <summary>
    /// The shard to process: from the parameters where given, else from the engine's variables
    /// (<paramref name="environment"/> reads one). Null when nothing asks for sharding. A count without
    /// an index (or an index without a count) is an error rather than a guess: a wrong guess would
    /// skip or repeat rows.
    /// </summary>
    /// <exception cref="ArgumentException">The values are incomplete, out of range or not integers.</exception>
    public static AssetShard? Resolve(int? index, int? count, Func<string, string?> environment)
    {
        var source = new List<string>();
        if (count is null && Variable(environment, AzurePipelinesTotalVariable) is { } total)
        {
            count = total;
            source.Add(AzurePipelinesTotalVariable);
        }
        if (index is null && count == 1)
        {
            // One shard is the whole lock, whatever position the engine gives this job.
            index = 0;
        }
        if (index is null && count is not null)
        {
            if (Variable(environment, AzurePipelinesPositionVariable) is { } position)
            {
                index = position - 1;
                source.Add(AzurePipelinesPositionVariable);
            }
            else if (Variable(environment, KubernetesIndexVariable) is { } completion)
            {
                index = completion;
                source.Add(KubernetesIndexVariable);
            }
        }
        if (index is null && count is null)
        {
            return null;
        }
        if (count is null)
        {
            throw new ArgumentException("-ShardIndex needs -ShardCount (or SYSTEM_TOTALJOBSINPHASE): the number of shards the lock is split into");
        }
        if (index is null)
        {
            throw new ArgumentException($"-ShardCount {count} needs -ShardIndex (or {AzurePipelinesPositionVariable} / {KubernetesIndexVariable}): which of the shards this run processes");
        }
        try
        {
            return new AssetShard(index.Value, count.Value) { Source = source.Count == 0 ? "parameters" : string.Join(", ", source) };
        }
        catch (ArgumentOutOfRangeException ex)
        {
            var from = source.Count == 0 ? "" : $" (from {string.Join(", ", source)})";
            throw new ArgumentException($"shard {index} of {count}{from}: {ex.Message.Split(" (Parameter")[0]}", ex);
        }
    }

    private static int? Variable(Func<string, string?> environment, string name)
    {
        var text = environment(name);
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }
        return int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value)
            ? value
            : throw new ArgumentException($"the environment variable {name} is '{text}', not a non-negative integer");
    }

    public override string ToString() => $"shard {Index} of {Count} (0-based)";
}
