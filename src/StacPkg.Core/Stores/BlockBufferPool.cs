using System.Buffers;
using System.Collections.Concurrent;

namespace StacPkg.Core.Stores;

/// <summary>
/// Write buffers for a store that buffers a block (or a whole small object) before sending it. Arrays of
/// exactly the block size are kept for the next write, so a copy of many blocks allocates none; their
/// number never exceeds the most blocks in use at once, which the caller's memory budget bounds. Small
/// buffers come from the shared pool; other sizes are allocated exactly, so a write never holds much
/// more than it asked for (what the relocator reserved for it).
/// </summary>
internal sealed class BlockBufferPool(int blockSize)
{
    /// <summary>Up to this size the shared pool's rounding up to a power of two costs at most this much per write.</summary>
    private const int SharedPoolLimit = 1024 * 1024;

    private readonly ConcurrentBag<byte[]> _blocks = [];

    /// <summary>A buffer of <paramref name="length"/> bytes (<see cref="Lease.Memory"/>), back to the pool when disposed.</summary>
    public Lease Rent(int length)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        if (length == blockSize) return new Lease(_blocks.TryTake(out var kept) ? kept : GC.AllocateUninitializedArray<byte>(length), length, this);
        if (length <= SharedPoolLimit) return new Lease(ArrayPool<byte>.Shared.Rent(length), length, null);
        return new Lease(GC.AllocateUninitializedArray<byte>(length), length, null);
    }

    /// <summary>A rented buffer; dispose it once, when nothing reads it any more.</summary>
    public readonly struct Lease(byte[] array, int length, BlockBufferPool? owner) : IDisposable
    {
        /// <summary>The whole array, possibly longer than asked for.</summary>
        public byte[] Array => array;

        /// <summary>The <c>length</c> bytes asked for.</summary>
        public Memory<byte> Memory => array.AsMemory(0, length);

        public void Dispose()
        {
            if (owner is not null) owner._blocks.Add(array);
            else if (array.Length <= SharedPoolLimit) ArrayPool<byte>.Shared.Return(array);
        }
    }
}
