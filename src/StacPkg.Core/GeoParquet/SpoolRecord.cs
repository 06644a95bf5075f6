using System.Buffers.Binary;
using StacPkg.Core.Json;

namespace StacPkg.Core.GeoParquet;

/// <summary>
/// The record format of the files Items are parked in before they are written (<see cref="ItemSpool"/>,
/// <see cref="PartitionSpill"/>): a 4-byte little-endian length, then the Item as <see cref="BinaryJson"/>.
/// </summary>
internal static class SpoolRecord
{
    /// <summary>Appends <paramref name="record"/> to <paramref name="target"/>; returns the bytes written.</summary>
    public static int Write(Stream target, ReadOnlySpan<byte> record)
    {
        Span<byte> length = stackalloc byte[4];
        WriteLength(length, record.Length);
        target.Write(length);
        target.Write(record);
        return 4 + record.Length;
    }

    /// <summary>The length prefix of a record of <paramref name="length"/> bytes.</summary>
    public static void WriteLength(Span<byte> prefix, int length) => BinaryPrimitives.WriteInt32LittleEndian(prefix, length);
}
