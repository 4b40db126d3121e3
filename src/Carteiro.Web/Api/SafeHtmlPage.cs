using Microsoft.AspNetCore.Http;

namespace Carteiro.Web.Api;

/// <summary>
/// How a message's sanitized HTML is served: as its own small page, for a sandboxed frame in the
/// app. Its policy runs it in a sandbox of its own (an opaque origin, no script) and lets it load
/// nothing from anywhere (pictures only from data: URLs), whatever the sanitizer let through.
/// </summary>
internal static class SafeHtmlPage
{
    public const string ContentSecurityPolicy =
        "default-src 'none'; img-src data:; style-src 'unsafe-inline'; font-src data:; " +
        "sandbox allow-popups allow-popups-to-escape-sandbox; frame-ancestors 'self'; base-uri 'none'; form-action 'none'";

    private const string Head =
        "<!doctype html><html><head><meta charset=\"utf-8\"><meta name=\"color-scheme\" content=\"light\"><style>" +
        "body{font:15px/1.5 system-ui,sans-serif;margin:0;padding:4px 2px;color:#1f2937;background:#fff;overflow-wrap:anywhere}" +
        "img{max-width:100%;height:auto}table{max-width:100%}</style></head><body>";

    public static void ApplyHeaders(HttpResponse response)
    {
        // Replaces the app's own policy: this page may be framed by the app, and nothing more.
        response.Headers.ContentSecurityPolicy = ContentSecurityPolicy;
        response.Headers.XFrameOptions = "SAMEORIGIN";
        response.Headers.CacheControl = "private, no-cache";
    }

    public static string Wrap(string body) => Head + body + "</body></html>";
}
