namespace Carteiro.Chat.ViewModels;

/// <summary>Guesses an attachment's MIME type from its file name.</summary>
internal static class ContentTypes
{
    private static readonly Dictionary<string, string> ByExtension = new(StringComparer.OrdinalIgnoreCase)
    {
        [".txt"] = "text/plain", [".md"] = "text/markdown", [".csv"] = "text/csv", [".html"] = "text/html",
        [".json"] = "application/json", [".xml"] = "application/xml", [".pdf"] = "application/pdf", [".zip"] = "application/zip",
        [".gz"] = "application/gzip", [".png"] = "image/png", [".jpg"] = "image/jpeg", [".jpeg"] = "image/jpeg",
        [".gif"] = "image/gif", [".webp"] = "image/webp", [".svg"] = "image/svg+xml", [".mp3"] = "audio/mpeg", [".mp4"] = "video/mp4",
    };

    public static string Guess(string path) =>
        ByExtension.TryGetValue(Path.GetExtension(path), out string? type) ? type : "application/octet-stream";
}
