using System.Text.Json;
using Carteiro.Core.Errors;
using Microsoft.AspNetCore.Http;

namespace Carteiro.Web.Api;

/// <summary>RFC 9457 problem documents carrying the same codes as the native protocol.</summary>
internal static class Problems
{
    // Served as application/problem+json, never inside HTML: quotes and angle brackets may stay as they are.
    private static readonly JsonWriterOptions WriterOptions = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static int StatusOf(ErrorCode code) => code switch
    {
        ErrorCode.BadSyntax or ErrorCode.UnknownCommand or ErrorCode.InvalidName or ErrorCode.InvalidPassword or ErrorCode.LineTooLong => 400,
        ErrorCode.NotSignedIn or ErrorCode.AuthFailed => 401,
        ErrorCode.Forbidden or ErrorCode.RegistrationClosed => 403,
        ErrorCode.NoSuchMessage or ErrorCode.NoSuchFolder or ErrorCode.NoSuchUser => 404,
        ErrorCode.NameTaken or ErrorCode.AlreadySignedIn => 409,
        ErrorCode.MessageTooLarge or ErrorCode.PayloadTooLarge => 413,
        ErrorCode.UnknownRecipients or ErrorCode.NoRecipients or ErrorCode.TooManyRecipients
            or ErrorCode.SubjectTooLong or ErrorCode.TooManyAttachments => 422,
        ErrorCode.Throttled or ErrorCode.TooManyInFlight => 429,
        ErrorCode.ShuttingDown => 503,
        ErrorCode.Timeout => 408,
        _ => 500,
    };

    public static string TitleOf(string code) => code switch
    {
        "csrf" => "Missing anti-forgery header",
        _ => char.ToUpperInvariant(code[0]) + code[1..].Replace('-', ' '),
    };

    public static async Task WriteAsync(HttpContext context, int status, string code, string detail, IReadOnlyList<string>? names = null)
    {
        // Only what described the abandoned answer goes; security headers and Retry-After stay.
        var response = context.Response;
        response.Headers.ContentLength = null;
        response.Headers.ContentDisposition = default;
        response.Headers.ETag = default;
        response.StatusCode = status;
        response.ContentType = "application/problem+json";
        response.Headers.CacheControl = "no-store";
        await using var json = new Utf8JsonWriter(response.BodyWriter, WriterOptions);
        json.WriteStartObject();
        json.WriteString("type"u8, "urn:carteiro:error:" + code);
        json.WriteString("title"u8, TitleOf(code));
        json.WriteNumber("status"u8, status);
        json.WriteString("detail"u8, detail);
        json.WriteString("code"u8, code);
        if (names is { Count: > 0 })
        {
            json.WriteStartArray("names"u8);
            foreach (string name in names)
            {
                json.WriteStringValue(name);
            }

            json.WriteEndArray();
        }

        json.WriteEndObject();
        await json.FlushAsync(context.RequestAborted).ConfigureAwait(false);
    }
}
