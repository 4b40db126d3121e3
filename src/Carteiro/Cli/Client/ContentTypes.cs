namespace Carteiro.Cli.Client;

/// <summary>Guesses an attachment's MIME type from its file name.</summary>
internal static class ContentTypes
{
    private static readonly Dictionary<string, string> ByExtension = new(StringComparer.OrdinalIgnoreCase)
    {
        [".txt"] = "text/plain", [".md"] = "text/markdown", [".csv"] = "text/csv", [".html"] = "text/html", [".htm"] = "text/html",
        [".json"] = "application/json", [".xml"] = "application/xml", [".pdf"] = "application/pdf", [".zip"] = "application/zip",
        [".gz"] = "application/gzip", [".tar"] = "application/x-tar", [".png"] = "image/png", [".jpg"] = "image/jpeg",
        [".jpeg"] = "image/jpeg", [".gif"] = "image/gif", [".webp"] = "image/webp", [".svg"] = "image/svg+xml",
        [".mp3"] = "audio/mpeg", [".ogg"] = "audio/ogg", [".mp4"] = "video/mp4", [".doc"] = "application/msword",
        [".docx"] = "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        [".odt"] = "application/vnd.oasis.opendocument.text",
    };

    public static string Guess(string path) =>
        ByExtension.TryGetValue(Path.GetExtension(path), out string? type) ? type : "application/octet-stream";
}
