using System.Buffers;
using System.Text.Json;
using Carteiro.Core;
using Carteiro.Core.Accounts;
using Carteiro.Core.Delivery;
using Carteiro.Core.Errors;
using Carteiro.Web.Api;
using Carteiro.Web.Auth;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Carteiro.Web.Assets;

/// <summary>
/// The app's page at <c>/</c>. A browser that is signed in gets the page with what the first screen
/// needs already in it (server facts, the session, folders, who is online and the inbox's first
/// page) as a JSON data block: the inbox renders as soon as the script runs, instead of after two
/// more rounds of API requests. That page is private to its session and never cached. A browser
/// that is not signed in gets the static, cacheable file.
/// </summary>
internal sealed class StartPage
{
    /// <summary>The first page's size; the app asks for pages of the same size (PAGE_SIZE in app.js).</summary>
    public const int FirstPageSize = 50;

    private static readonly byte[] Marker = "<!--boot-->"u8.ToArray();
    private readonly EmbeddedAssets _assets;
    private readonly byte[] _head;
    private readonly byte[] _tail;

    public StartPage(EmbeddedAssets assets)
    {
        _assets = assets;
        byte[] html = assets.ContentOf("/index.html");
        int at = html.AsSpan().IndexOf(Marker);
        if (at < 0)
        {
            throw new InvalidOperationException("index.html lacks the <!--boot--> marker where the start data goes");
        }

        _head = html[..at];
        _tail = html[(at + Marker.Length)..];
    }

    public async Task ServeAsync(HttpContext context)
    {
        var account = await SignedInAccountAsync(context).ConfigureAwait(false);
        if (account is null)
        {
            await _assets.TryServeAsync(context, "/").ConfigureAwait(false);
            return;
        }

        var (user, token) = account.Value;
        var services = context.RequestServices;
        var mail = services.GetRequiredService<MailService>();
        var pages = services.GetRequiredService<FolderPageCache>();
        var options = services.GetRequiredService<CarteiroOptions>();
        var cancellationToken = context.RequestAborted;

        var folders = await mail.FoldersAsync(user, cancellationToken).ConfigureAwait(false);
        var inbox = folders.First(f => string.Equals(f.Name, "Inbox", StringComparison.OrdinalIgnoreCase));
        byte[] firstPage = await pages.PageAsync(mail, user, inbox, FirstPageSize, null, false, cancellationToken).ConfigureAwait(false);

        var buffer = new ArrayBufferWriter<byte>(_head.Length + _tail.Length + firstPage.Length + 4096);
        buffer.Write(_head);
        buffer.Write("<script type=\"application/json\" id=\"boot\">"u8);

        // The writer's default encoder escapes <, > and & (the stored page was written the same
        // way), so no string in the data can close this element or open another.
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WritePropertyName("server"u8);
            JsonSerializer.Serialize(json, ServerResponse.For(options), WebJsonContext.Default.ServerResponse);
            json.WritePropertyName("session"u8);
            JsonSerializer.Serialize(json, SessionResponse.For(user, token), WebJsonContext.Default.SessionResponse);
            json.WritePropertyName("folders"u8);
            JsonSerializer.Serialize(json, [.. folders.Select(FolderResponse.From)], WebJsonContext.Default.IReadOnlyListFolderResponse);
            json.WritePropertyName("who"u8);
            JsonSerializer.Serialize(json, [.. mail.Online().Select(OnlineResponse.From)], WebJsonContext.Default.IReadOnlyListOnlineResponse);
            json.WritePropertyName("inbox"u8);
            json.WriteRawValue(firstPage, skipInputValidation: true);
            json.WriteEndObject();
        }

        buffer.Write("</script>"u8);
        buffer.Write(_tail);

        var response = context.Response;
        response.ContentType = "text/html; charset=utf-8";
        response.Headers.CacheControl = "no-store";
        response.ContentLength = buffer.WrittenCount;
        if (!HttpMethods.IsHead(context.Request.Method))
        {
            await response.Body.WriteAsync(buffer.WrittenMemory, cancellationToken).ConfigureAwait(false);
        }
    }

    // The session cookie's account, or null when there is none or it is no longer valid: the
    // static page then asks /api/session itself and shows the sign-in form.
    private static async Task<(Account Account, string Token)?> SignedInAccountAsync(HttpContext context)
    {
        if (!context.Request.Cookies.TryGetValue(SessionCookie.Name, out string? token) || string.IsNullOrEmpty(token))
        {
            return null;
        }

        try
        {
            var accounts = context.RequestServices.GetRequiredService<AccountService>();
            var account = await accounts.SignInWithTokenAsync(token, ClientAddress.Of(context), context.RequestAborted).ConfigureAwait(false);
            return (account, token);
        }
        catch (CarteiroException)
        {
            return null;
        }
    }
}
