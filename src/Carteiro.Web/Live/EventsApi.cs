using Carteiro.Core;
using Carteiro.Core.Live;
using Carteiro.Web.Auth;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Routing;

namespace Carteiro.Web.Live;

/// <summary><c>GET /api/events</c>: live push as server-sent events. An open stream is an online session.</summary>
internal static class EventsApi
{
    public static readonly TimeSpan PingInterval = TimeSpan.FromSeconds(15);

    public static void Map(RouteGroupBuilder api)
    {
        api.MapGet("/events", async (WebCaller caller, HttpContext context, SessionHub hub, EventStreams streams, CarteiroOptions options) =>
        {
            var response = context.Response;
            response.ContentType = "text/event-stream";
            response.Headers.CacheControl = "no-store";
            response.Headers["X-Accel-Buffering"] = "no";
            context.Features.Get<IHttpResponseBodyFeature>()?.DisableBuffering();

            var session = new EventStreamSession(caller.Account, caller.Token, options.MaxQueuedEvents);
            streams.Add(session);
            hub.Join(session);
            try
            {
                await session.RunAsync(response, PingInterval, context.RequestAborted).ConfigureAwait(false);
            }
            catch (Exception error) when (error is OperationCanceledException or IOException)
            {
                // The browser went away (tab closed, network gone): offline from here.
            }
            finally
            {
                hub.Leave(session);
                streams.Remove(session);
            }
        }).WithSummary("Live events (text/event-stream): mail, update, removed, presence, bye");
    }
}
