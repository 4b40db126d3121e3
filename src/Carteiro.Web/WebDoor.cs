using Carteiro.Core.Errors;
using Carteiro.Core;
using Carteiro.Web.Api;
using Carteiro.Web.Assets;
using Carteiro.Web.Autoconfig;
using Carteiro.Web.Live;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Carteiro.Web;

/// <summary>
/// The HTTP door: the JSON API (docs/HTTP-API.md), live events, the OpenAPI description and the
/// embedded web app, on the server's Kestrel host beside the native protocol.
/// </summary>
public static class WebDoor
{
    /// <summary>The server's version as the API reports it.</summary>
    public static string Version { get; } = typeof(WebDoor).Assembly.GetName().Version?.ToString(3) ?? "0.0.0";

    /// <summary>
    /// The largest request body the door takes: a send carrying a whole message. Base64 grows
    /// attachments by a third; JSON field names and the body's escaping need a margin.
    /// </summary>
    public static long LargestRequestBody(CarteiroOptions options) => options.MaxMessageSize / 3 * 4 + 1024 * 1024;

    /// <summary>
    /// Kestrel's server-wide cap on a request body, which is what it reads away after a refusal:
    /// the door's own caps (RequestLimits) stop what the application reads, and Kestrel then
    /// drains the rest so that the client can finish sending and read the answer. A body past
    /// this cap makes Kestrel close the connection, and the client may then meet a reset instead
    /// of the 413.
    /// </summary>
    public static long DrainableRequestBody(CarteiroOptions options) => 4 * LargestRequestBody(options);

    /// <summary>Registers what the door needs.</summary>
    public static IServiceCollection AddCarteiroWeb(this IServiceCollection services)
    {
        services.AddSingleton<EventStreams>();
        services.AddSingleton<EmbeddedAssets>();
        services.AddSingleton<StartPage>();
        services.TryAddSingleton<MailListeners>();
        services.AddSingleton<FolderPageCache>();
        services.ConfigureHttpJsonOptions(json => json.SerializerOptions.TypeInfoResolverChain.Insert(0, WebJsonContext.Default));

        // Malformed JSON or parameters throw, so ProblemMiddleware answers them like any refusal.
        services.Configure<RouteHandlerOptions>(routes => routes.ThrowOnBadRequest = true);
        services.AddOpenApi(openApi => openApi.AddDocumentTransformer((document, _, _) =>
        {
            document.Info.Title = "Carteiro HTTP API";
            document.Info.Version = Version;
            document.Info.Description = "Mail with email semantics over JSON; see docs/HTTP-API.md. Errors are RFC 9457 problem documents.";
            return Task.CompletedTask;
        }));
        return services;
    }

    /// <summary>Adds the door's middleware and endpoints to <paramref name="app"/>.</summary>
    public static void MapCarteiroWeb(this WebApplication app)
    {
        app.UseMiddleware<SecurityHeaders>();
        app.UseMiddleware<ProblemMiddleware>();
        app.UseMiddleware<RequestLimits>();

        var streams = app.Services.GetRequiredService<EventStreams>();
        app.Lifetime.ApplicationStopping.Register(() => streams.CloseAll("shutting-down"));

        var api = app.MapGroup("/api");
        AccountApi.Map(api);
        MailApi.Map(api);
        EventsApi.Map(api);

        app.MapOpenApi("/openapi/{documentName}.json");
        MailAutoconfig.Map(app);

        var assets = app.Services.GetRequiredService<EmbeddedAssets>();
        var startPage = app.Services.GetRequiredService<StartPage>();
        app.MapMethods("/", [HttpMethods.Get, HttpMethods.Head], startPage.ServeAsync).ExcludeFromDescription();

        // Exactly the app's files: any other path finds no endpoint and gets a 404 problem.
        foreach (string path in assets.Paths)
        {
            app.MapMethods(path, [HttpMethods.Get, HttpMethods.Head], async (HttpContext context) =>
                await assets.TryServeAsync(context, path).ConfigureAwait(false)).ExcludeFromDescription();
        }
    }
}
