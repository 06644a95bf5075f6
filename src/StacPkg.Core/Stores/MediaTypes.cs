namespace StacPkg.Core.Stores;

/// <summary>Content types guessed from a file name, for stores that keep none (local files).</summary>
internal static class MediaTypes
{
    private static readonly Dictionary<string, string> ByExtension = new(StringComparer.OrdinalIgnoreCase)
    {
        [".tif"] = "image/tiff",
        [".tiff"] = "image/tiff",
        [".jp2"] = "image/jp2",
        [".png"] = "image/png",
        [".jpg"] = "image/jpeg",
        [".jpeg"] = "image/jpeg",
        [".webp"] = "image/webp",
        [".json"] = "application/json",
        [".geojson"] = "application/geo+json",
        [".parquet"] = "application/vnd.apache.parquet",
        [".nc"] = "application/netcdf",
        [".h5"] = "application/x-hdf5",
        [".hdf"] = "application/x-hdf",
        [".xml"] = "application/xml",
        [".html"] = "text/html",
        [".txt"] = "text/plain",
        [".csv"] = "text/csv",
        [".zip"] = "application/zip",
        [".gz"] = "application/gzip",
        [".pdf"] = "application/pdf",
    };

    /// <summary>The content type for <paramref name="path"/>'s extension, or null when unknown.</summary>
    public static string? ForPath(string path) =>
        ByExtension.TryGetValue(Path.GetExtension(path), out var type) ? type : null;
}
