using System.Collections.Frozen;
using System.IO.Compression;
using System.Reflection;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Http;
using Microsoft.Net.Http.Headers;

namespace Carteiro.Web.Assets;

/// <summary>
/// The web app's files, embedded in this assembly and held in memory with a precompressed copy
/// and an ETag each: serving them costs no disk access and no compression per request.
/// </summary>
internal sealed class EmbeddedAssets
{
    private const string Prefix = "wwwroot/";
    private readonly FrozenDictionary<string, Asset> _assets;

    public EmbeddedAssets()
    {
        var assembly = typeof(EmbeddedAssets).Assembly;
        var assets = new Dictionary<string, Asset>(StringComparer.Ordinal);
        foreach (string name in assembly.GetManifestResourceNames().Where(n => n.StartsWith(Prefix, StringComparison.Ordinal)))
        {
            assets["/" + name[Prefix.Length..]] = Load(assembly, name);
        }

        _assets = assets.ToFrozenDictionary(StringComparer.Ordinal);
    }

    /// <summary>Paths served, such as <c>/app.js</c>.</summary>
    public IEnumerable<string> Paths => _assets.Keys;

    /// <summary>The bytes of one of the app's files, such as <c>/index.html</c>.</summary>
    public byte[] ContentOf(string path) => _assets[path].Content;

    /// <summary>Serves <paramref name="path"/> ("/" is index.html); false when there is no such file.</summary>
    public async Task<bool> TryServeAsync(HttpContext context, string path)
    {
        if (!_assets.TryGetValue(path == "/" ? "/index.html" : path, out var asset))
        {
            return false;
        }

        var response = context.Response;
        response.Headers.ETag = asset.ETag;

        // Not fingerprinted, so always revalidated: a new server version is seen on the next load.
        response.Headers.CacheControl = "no-cache";
        response.Headers.Vary = "Accept-Encoding";
        if (context.Request.Headers.IfNoneMatch == asset.ETag)
        {
            response.StatusCode = StatusCodes.Status304NotModified;
            return true;
        }

        response.ContentType = asset.ContentType;
        bool gzip = asset.Gzipped is not null && AcceptsGzip(context.Request);
        byte[] body = gzip ? asset.Gzipped! : asset.Content;
        if (gzip)
        {
            response.Headers.ContentEncoding = "gzip";
        }

        response.ContentLength = body.Length;
        if (!HttpMethods.IsHead(context.Request.Method))
        {
            await response.Body.WriteAsync(body, context.RequestAborted).ConfigureAwait(false);
        }

        return true;
    }

    private static bool AcceptsGzip(HttpRequest request)
    {
        foreach (string? value in request.Headers.AcceptEncoding)
        {
            if (value is not null && value.Contains("gzip", StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }

    private static Asset Load(Assembly assembly, string name)
    {
        using var stream = assembly.GetManifestResourceStream(name)!;
        using var buffer = new MemoryStream();
        stream.CopyTo(buffer);
        byte[] content = buffer.ToArray();
        string etag = "\"" + Convert.ToHexString(SHA256.HashData(content).AsSpan(0, 12)) + "\"";
        string type = ContentTypeOf(name);
        byte[]? gzipped = null;
        if (!type.StartsWith("image/png", StringComparison.Ordinal) && content.Length > 512)
        {
            using var compressed = new MemoryStream();
            using (var gzip = new GZipStream(compressed, CompressionLevel.SmallestSize, leaveOpen: true))
            {
                gzip.Write(content);
            }

            gzipped = compressed.Length < content.Length ? compressed.ToArray() : null;
        }

        return new Asset(content, gzipped, type, etag);
    }

    private static string ContentTypeOf(string name) => Path.GetExtension(name).ToLowerInvariant() switch
    {
        ".html" => "text/html; charset=utf-8",
        ".js" => "text/javascript; charset=utf-8",
        ".css" => "text/css; charset=utf-8",
        ".svg" => "image/svg+xml",
        ".png" => "image/png",
        ".ico" => "image/x-icon",
        ".json" or ".webmanifest" => "application/manifest+json",
        _ => "application/octet-stream",
    };

    private sealed record Asset(byte[] Content, byte[]? Gzipped, string ContentType, string ETag);
}
