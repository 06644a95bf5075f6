using System.Buffers.Binary;
using StacPkg.Core.Json;

namespace StacPkg.Core.GeoParquet;

/// <summary>
/// The record format of the files Items are parked in before they are written (<see cref="ItemSpool"/>,
/// <see cref="PartitionSpill"/>): a 4-byte little-endian length, then the Item as <see cref="BinaryJson"/>.
/// </summary>
internal static class SpoolRecord
{
    /// <summary>Appends <paramref name="item"/> to <paramref name="target"/>, encoded in <paramref name="scratch"/>; returns the bytes written.</summary>
    public static int Write(Stream target, BinaryJsonBuffer scratch, JsonMap item)
    {
        scratch.Clear();
        BinaryJson.Write(scratch, item);
        Span<byte> length = stackalloc byte[4];
        BinaryPrimitives.WriteInt32LittleEndian(length, scratch.Length);
        target.Write(length);
        target.Write(scratch.WrittenSpan);
        return 4 + scratch.Length;
    }
}
