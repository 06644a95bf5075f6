using Parquet.Schema;

namespace StacPkg.Core.Lock;

/// <summary>Names, order and Parquet types of the asset lock columns (schema v1) and its file metadata keys.</summary>
internal static class AssetLockColumns
{
    public const string ItemId = "item_id";
    public const string AssetKey = "asset_key";
    public const string StoreType = "store_type";
    public const string StoreContainer = "store_container";
    public const string StoreEndpointUrl = "store_endpoint_url";
    public const string Key = "key";
    public const string SizeBytes = "size_bytes";
    public const string ETag = "etag";
    public const string LastModified = "last_modified";
    public const string FileChecksum = "file_checksum";

    public const string SchemaKindKey = "stacpkg:schema-kind";
    public const string SchemaKind = "asset-lock";
    public const string SchemaVersionKey = "stacpkg:schema-version";
    public const string SchemaVersion = "v1";

    public static readonly DataField ItemIdField = new DataField<string>(ItemId, false);
    public static readonly DataField AssetKeyField = new DataField<string>(AssetKey, false);
    public static readonly DataField StoreTypeField = new DataField<string>(StoreType, true);
    public static readonly DataField StoreContainerField = new DataField<string>(StoreContainer, true);
    public static readonly DataField StoreEndpointUrlField = new DataField<string>(StoreEndpointUrl, true);
    public static readonly DataField KeyField = new DataField<string>(Key, true);
    public static readonly DataField SizeBytesField = new DataField<long?>(SizeBytes);
    public static readonly DataField ETagField = new DataField<string>(ETag, true);
    public static readonly DataField LastModifiedField = new DataField<string>(LastModified, true);
    public static readonly DataField FileChecksumField = new DataField<string>(FileChecksum, true);

    public static readonly ParquetSchema Schema = new(
        ItemIdField, AssetKeyField, StoreTypeField, StoreContainerField, StoreEndpointUrlField,
        KeyField, SizeBytesField, ETagField, LastModifiedField, FileChecksumField);

    /// <summary>Columns a file must have to be read as a lock; the others are optional.</summary>
    public static readonly string[] Required = [ItemId, AssetKey, StoreType, Key];

    public static Dictionary<string, string> Metadata() => new()
    {
        [SchemaKindKey] = SchemaKind,
        [SchemaVersionKey] = SchemaVersion,
    };
}
