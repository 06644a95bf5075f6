using System.Buffers.Binary;
using System.Text;

namespace StacPkg.Core.Json;

/// <summary>A growable byte buffer that <see cref="BinaryJson"/> writes into.</summary>
internal sealed class BinaryJsonBuffer
{
    private byte[] _bytes = new byte[1 << 16];

    public int Length { get; private set; }

    public ReadOnlySpan<byte> WrittenSpan => _bytes.AsSpan(0, Length);

    public void Clear() => Length = 0;

    public void WriteByte(byte value)
    {
        Ensure(1);
        _bytes[Length++] = value;
    }

    public void WriteInt64(long value)
    {
        Ensure(8);
        BinaryPrimitives.WriteInt64LittleEndian(_bytes.AsSpan(Length), value);
        Length += 8;
    }

    public void WriteCount(int value)
    {
        Ensure(4);
        BinaryPrimitives.WriteInt32LittleEndian(_bytes.AsSpan(Length), value);
        Length += 4;
    }

    public void WriteString(string value)
    {
        var max = Encoding.UTF8.GetMaxByteCount(value.Length);
        Ensure(max + 4);
        var written = Encoding.UTF8.GetBytes(value, _bytes.AsSpan(Length + 4));
        WriteCount(written);
        Length += written;
    }

    /// <summary>UTF-8 text as <see cref="WriteString"/> writes it: its byte count, then the bytes.</summary>
    public void WriteUtf8(ReadOnlySpan<byte> utf8)
    {
        WriteCount(utf8.Length);
        WriteBytes(utf8);
    }

    /// <summary>Bytes already in BinaryJson form, copied as they are.</summary>
    public void WriteBytes(ReadOnlySpan<byte> bytes)
    {
        Ensure(bytes.Length);
        bytes.CopyTo(_bytes.AsSpan(Length));
        Length += bytes.Length;
    }

    /// <summary>Room for a count not known yet; <see cref="PatchCount"/> fills it in.</summary>
    public int ReserveCount()
    {
        WriteCount(0);
        return Length - 4;
    }

    public void PatchCount(int at, int value) => BinaryPrimitives.WriteInt32LittleEndian(_bytes.AsSpan(at), value);

    private void Ensure(int more)
    {
        if (Length + more > _bytes.Length)
        {
            Array.Resize(ref _bytes, Math.Max(_bytes.Length * 2, Length + more));
        }
    }
}
