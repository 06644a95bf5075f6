using Parquet;

namespace StacPkg.Core.GeoParquet;

/// <summary>
/// What Parquet.Net throws for a damaged file or one that is not Parquet. Corrupt lengths, offsets
/// and Thrift headers surface as any of these, not only as ParquetException, and their messages
/// ("Index was outside the bounds of the array") name no file; readers catch them to say which
/// file is not readable.
/// </summary>
internal static class ParquetDamage
{
    public static bool IsDamage(Exception ex) =>
        ex is IOException or InvalidDataException or ParquetException or ArgumentException or NotSupportedException
            or InvalidOperationException or IndexOutOfRangeException or OverflowException or NullReferenceException
            or InvalidCastException or FormatException or Parquet.Meta.Proto.ThriftProtocolException;

    /// <summary>The reason for a file Parquet.Net could not read at <paramref name="where"/>, with what to do about it.</summary>
    public static string Reason(string where, Exception ex) =>
        $"not a readable Parquet file: {where} failed ({ex.GetType().Name}: {ex.Message}); the file is damaged or is not Parquet, so write or download it again";
}
