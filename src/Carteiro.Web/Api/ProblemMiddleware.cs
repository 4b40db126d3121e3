using Carteiro.Core.Accounts;
using Carteiro.Core.Errors;
using Carteiro.Web.Auth;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Carteiro.Web.Api;

/// <summary>
/// Turns refusals and malformed requests into problem documents, and logs them; anything else is a
/// 500 that reveals nothing but is logged in full.
/// </summary>
internal sealed partial class ProblemMiddleware(RequestDelegate next, ILogger<ProblemMiddleware> log, SignInThrottle throttle)
{
    public async Task InvokeAsync(HttpContext context)
    {
        try
        {
            await next(context).ConfigureAwait(false);
        }
        catch (CarteiroException refusal) when (!context.Response.HasStarted)
        {
            LogRefused(log, context.Request.Method, context.Request.Path, refusal.Code.ToWire(), refusal.Message);
            if (refusal.Code == ErrorCode.Throttled)
            {
                var wait = throttle.RetryAfter(ClientAddress.Of(context), "");
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

    // Minimal APIs' messages name the parameter and what was wrong; the JSON reader's inner
    // message adds where.
    private static string Describe(BadHttpRequestException bad) =>
        bad.InnerException is System.Text.Json.JsonException json ? $"{bad.Message} {json.Message}" : bad.Message;

    [LoggerMessage(Level = LogLevel.Information, Message = "HTTP {Method} {Path} refused: {Code}: {Detail}")]
    private static partial void LogRefused(ILogger logger, string method, string path, string code, string detail);

    [LoggerMessage(Level = LogLevel.Error, Message = "HTTP {Method} {Path} failed")]
    private static partial void LogFailed(ILogger logger, Exception failure, string method, string path);
}
