using Carteiro.Core;
using Carteiro.Core.Errors;
using Carteiro.Web.Api;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Carteiro.Web;

/// <summary>
/// Caps request bodies before they are read: a send may carry a whole message (attachments as
/// base64), everything else a few kilobytes. A declared length over the cap is refused at once;
/// an undeclared one is cut off as it streams in. Kestrel's server-wide limit sits well above
/// the largest cap (<see cref="WebDoor.DrainableRequestBody"/>), so that a refused body is read
/// away and its client reads the 413.
/// </summary>
internal sealed partial class RequestLimits(RequestDelegate next, CarteiroOptions options, ILogger<RequestLimits> log)
{
    public const long SmallBody = 64 * 1024;

    private readonly long _sendBody = WebDoor.LargestRequestBody(options);

    public Task InvokeAsync(HttpContext context)
    {
        var request = context.Request;
        long limit = HttpMethods.IsPost(request.Method) && request.Path.Equals("/api/messages", StringComparison.Ordinal) ? _sendBody : SmallBody;
        if (request.ContentLength > limit)
        {
            LogTooLarge(log, request.Method, request.Path, request.ContentLength.Value, limit);
            return Problems.WriteAsync(context, StatusCodes.Status413PayloadTooLarge, ErrorCode.PayloadTooLarge.ToWire(),
                $"the request body has {request.ContentLength} bytes; this endpoint takes at most {limit}");
        }

        if (request.ContentLength is null)
        {
            // Undeclared length: counted as it is read (see LimitedRequestBody for why not Kestrel's limit).
            request.Body = new LimitedRequestBody(request.Body, limit);
        }

        return next(context);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "HTTP {Method} {Path} refused: body of {Length} bytes over the limit of {Limit}")]
    private static partial void LogTooLarge(ILogger logger, string method, string path, long length, long limit);
}
