using Carteiro.Core.Errors;
using Carteiro.Web.Auth;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Carteiro.Web.Api;

/// <summary>
/// Turns refusals and malformed requests into problem documents, and logs them; anything else is a
/// 500 that reveals nothing but is logged in full.
/// </summary>
internal sealed partial class ProblemMiddleware(RequestDelegate next, ILogger<ProblemMiddleware> log)
{
    public async Task InvokeAsync(HttpContext context)
    {
        try
        {
            await next(context).ConfigureAwait(false);
            if (IsBareError(context.Response))
            {
                await DescribeBareErrorAsync(context).ConfigureAwait(false);
            }
        }
        catch (CarteiroException refusal) when (!context.Response.HasStarted)
        {
            LogRefused(log, context.Request.Method, context.Request.Path, refusal.Code.ToWire(), refusal.Message);
            if (refusal.RetryAfter is { } wait)
            {
                context.Response.Headers.RetryAfter = Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture);
            }

            await Problems.WriteAsync(context, Problems.StatusOf(refusal.Code), refusal.Code.ToWire(), refusal.Message, refusal.Names).ConfigureAwait(false);
        }
        catch (CsrfException csrf) when (!context.Response.HasStarted)
        {
            LogRefused(log, context.Request.Method, context.Request.Path, "csrf", csrf.Message);
            await Problems.WriteAsync(context, StatusCodes.Status403Forbidden, "csrf", csrf.Message).ConfigureAwait(false);
        }
        catch (BadHttpRequestException bad) when (!context.Response.HasStarted)
        {
            bool tooLarge = bad.StatusCode == StatusCodes.Status413PayloadTooLarge;
            string code = tooLarge ? ErrorCode.PayloadTooLarge.ToWire() : ErrorCode.BadSyntax.ToWire();
            string detail = tooLarge ? "the request body is larger than this endpoint allows" : Describe(bad);
            LogRefused(log, context.Request.Method, context.Request.Path, code, detail);
            await Problems.WriteAsync(context, bad.StatusCode, code, detail).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            // The client went away; nobody to answer.
        }
        catch (Exception failure) when (!context.Response.HasStarted)
        {
            LogFailed(log, failure, context.Request.Method, context.Request.Path);
            await Problems.WriteAsync(context, StatusCodes.Status500InternalServerError, ErrorCode.Internal.ToWire(), "the server failed; the failure is logged").ConfigureAwait(false);
        }
    }

    // Routing (404, 405), content negotiation (415) and Kestrel's body limit (413, which minimal
    // APIs turn into a status without an exception) answer with a bare status: give it a body.
    private static bool IsBareError(HttpResponse response) =>
        !response.HasStarted && response.StatusCode >= 400 && response.ContentType is null && response.ContentLength is null or 0;

    private Task DescribeBareErrorAsync(HttpContext context)
    {
        var request = context.Request;
        int status = context.Response.StatusCode;
        var (code, detail) = status switch
        {
            404 when request.Path.StartsWithSegments("/api", StringComparison.Ordinal) =>
                (ErrorCode.UnknownCommand.ToWire(), $"no API endpoint {request.Method} {request.Path}"),
            404 => ("not-found", $"nothing at {request.Path}"),
            405 => (ErrorCode.UnknownCommand.ToWire(), $"{request.Method} is not allowed on {request.Path}"),
            413 => (ErrorCode.PayloadTooLarge.ToWire(), "the request body is larger than this endpoint allows"),
            415 => (ErrorCode.BadSyntax.ToWire(), "send the body as JSON (Content-Type: application/json)"),
            401 => (ErrorCode.NotSignedIn.ToWire(), "sign in first"),
            _ => (ErrorCode.BadSyntax.ToWire(), $"the request was refused with status {status}"),
        };
        LogRefused(log, request.Method, request.Path, code, detail);
        return Problems.WriteAsync(context, status, code, detail);
    }

    // Minimal APIs' messages name the parameter and what was wrong; the JSON reader's inner
    // message adds where.
    private static string Describe(BadHttpRequestException bad) =>
        bad.InnerException is System.Text.Json.JsonException json ? $"{bad.Message} {json.Message}" : bad.Message;

    [LoggerMessage(Level = LogLevel.Information, Message = "HTTP {Method} {Path} refused: {Code}: {Detail}")]
    private static partial void LogRefused(ILogger logger, string method, string path, string code, string detail);

    [LoggerMessage(Level = LogLevel.Error, Message = "HTTP {Method} {Path} failed")]
    private static partial void LogFailed(ILogger logger, Exception failure, string method, string path);
}
