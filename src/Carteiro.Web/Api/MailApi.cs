using Carteiro.Core.Delivery;
using Carteiro.Core.Errors;
using Carteiro.Core.Mailboxes;
using Carteiro.Core.Messages;
using Carteiro.Core.Storage;
using Carteiro.Web.Auth;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Net.Http.Headers;

namespace Carteiro.Web.Api;

/// <summary>Folders, messages, sending, search and presence: the native protocol's commands over HTTP.</summary>
internal static class MailApi
{
    private const int MaxPageSize = 200;

    public static void Map(RouteGroupBuilder api)
    {
        api.MapGet("/folders", async (WebCaller caller, MailService mail, HttpContext context) =>
        {
            var folders = await mail.FoldersAsync(caller.Account, context.RequestAborted).ConfigureAwait(false);
            return (IReadOnlyList<FolderResponse>)[.. folders.Select(FolderResponse.From)];
        }).WithSummary("Your folders with their counts");

        api.MapGet("/folders/{name}/messages", async (string name, int? limit, long? before, bool? unread, WebCaller caller, MailService mail, FolderPageCache cache, HttpContext context) =>
        {
            int size = Math.Clamp(limit ?? 50, 1, MaxPageSize);

            // The folder's state decides the page: unchanged state, unchanged answer (304 or cache).
            var folder = await mail.FolderAsync(caller.Account, name, context.RequestAborted).ConfigureAwait(false);
            string etag = FolderPageCache.ETagOf(folder);
            var headers = context.Response.Headers;
            headers.ETag = etag;
            headers.CacheControl = "private, no-cache";
            if (context.Request.Headers.IfNoneMatch == etag)
            {
                return Results.StatusCode(StatusCodes.Status304NotModified);
            }

            byte[] json = await cache.PageAsync(mail, caller.Account, folder, size, before, unread ?? false, context.RequestAborted).ConfigureAwait(false);
            return Results.Bytes(json, "application/json; charset=utf-8");
        }).Produces<PageResponse>().WithSummary("A page of a folder, newest first (ETag: If-None-Match answers 304 while the folder is unchanged)");

        api.MapGet("/messages/{id:long}", async (long id, bool? peek, WebCaller caller, MailService mail, HttpContext context) =>
        {
            var detail = await mail.ReadAsync(caller.Account, id, peek ?? false, context.RequestAborted).ConfigureAwait(false);
            var html = await mail.HtmlAsync(caller.Account, id, context.RequestAborted).ConfigureAwait(false);
            return MessageResponse.Of(detail, html);
        }).WithSummary("Read a message (marks it seen unless peek=true)");

        api.MapGet("/messages/{id:long}/html", async (long id, WebCaller caller, MailService mail, HttpContext context) =>
        {
            var html = await mail.HtmlAsync(caller.Account, id, context.RequestAborted).ConfigureAwait(false)
                ?? throw new CarteiroException(ErrorCode.NoSuchMessage, $"message {id} has no HTML part");
            SafeHtmlPage.ApplyHeaders(context.Response);
            return Results.Content(SafeHtmlPage.Wrap(html.Html), "text/html; charset=utf-8");
        }).WithSummary("A message's HTML part, sanitized, for a sandboxed frame (no script, no remote content)");

        api.MapGet("/messages/{id:long}/raw", async (long id, WebCaller caller, MailService mail, HttpContext context) =>
        {
            byte[] document = await mail.RawAsync(caller.Account, id, context.RequestAborted).ConfigureAwait(false);
            return TypedResults.File(document, "message/rfc822", $"message-{id}.eml");
        }).WithSummary("The stored RFC 5322 document");

        api.MapGet("/messages/{id:long}/attachments/{index:int}", async (long id, int index, WebCaller caller, MailService mail, HttpContext context) =>
        {
            var files = await mail.AttachmentsAsync(caller.Account, id, context.RequestAborted).ConfigureAwait(false);
            if (index < 0 || index >= files.Count)
            {
                Refuse.With(ErrorCode.NoSuchMessage, $"message {id} has no attachment {index}");
            }

            var file = files[index];

            // Always a download, never rendered in our origin: an attached HTML file must not run here.
            context.Response.Headers[HeaderNames.XContentTypeOptions] = "nosniff";
            return TypedResults.File(file.Content.ToArray(), file.ContentType, file.FileName);
        }).WithSummary("One attachment, as a download");

        api.MapPost("/messages", async (SendRequest body, WebCaller caller, MailService mail, HttpContext context) =>
        {
            var draft = new Draft
            {
                To = body.To ?? [],
                Cc = body.Cc ?? [],
                Bcc = body.Bcc ?? [],
                ToEveryone = body.Everyone,
                Subject = body.Subject ?? "",
                Body = body.Body ?? "",
                ReplyTo = body.ReplyTo,
                ClientId = string.IsNullOrEmpty(body.ClientId) ? null : body.ClientId,
                Attachments = [.. (body.Attachments ?? []).Select(a => new Attachment(
                    string.IsNullOrWhiteSpace(a.Name) ? "attachment" : a.Name,
                    string.IsNullOrWhiteSpace(a.Type) ? "application/octet-stream" : a.Type,
                    a.Content ?? []))],
            };
            var receipt = await mail.SendAsync(caller.Account, draft, context.RequestAborted).ConfigureAwait(false);
            var answer = new SendResponse(receipt.Id, receipt.MessageId, receipt.Date, receipt.Duplicate);
            return TypedResults.Created($"/api/messages/{receipt.Id}", answer);
        }).WithSummary("Send a message; answered once it is committed");

        api.MapMethods("/messages/{id:long}", [HttpMethods.Patch], async (long id, FlagsRequest body, WebCaller caller, MailService mail, HttpContext context) =>
        {
            var add = MessageFlags.None;
            var remove = MessageFlags.None;
            Apply(body.Seen, MessageFlags.Seen, ref add, ref remove);
            Apply(body.Flagged, MessageFlags.Flagged, ref add, ref remove);
            var summary = await mail.SetFlagsAsync(caller.Account, id, add, remove, context.RequestAborted).ConfigureAwait(false);
            return SummaryResponse.Of(summary);
        }).WithSummary("Mark seen or unseen, flag or unflag");

        api.MapPost("/messages/{id:long}/move", async (long id, MoveRequest body, WebCaller caller, MailService mail, HttpContext context) =>
        {
            var summary = await mail.MoveAsync(caller.Account, id, AccountApi.Required(body.Folder, "folder"), context.RequestAborted).ConfigureAwait(false);
            return SummaryResponse.Of(summary);
        }).WithSummary("Move a message to another folder");

        api.MapDelete("/messages/{id:long}", async (long id, bool? purge, WebCaller caller, MailService mail, HttpContext context) =>
        {
            var trashed = await mail.DeleteAsync(caller.Account, id, purge ?? false, context.RequestAborted).ConfigureAwait(false);
            return trashed is null ? new DeleteResponse(id, true, null) : new DeleteResponse(trashed.Id, false, trashed.Folder);
        }).WithSummary("Move to Trash, or (from Trash, or with purge=true) delete for good");

        api.MapGet("/search", async (string? q, string? folder, int? limit, int? offset, WebCaller caller, MailService mail, HttpContext context) =>
        {
            var query = new SearchQuery(AccountApi.Required(q, "q (the text to search for)"), folder, Math.Clamp(limit ?? 50, 1, MaxPageSize), Math.Max(0, offset ?? 0));
            var found = await mail.SearchAsync(caller.Account, query, context.RequestAborted).ConfigureAwait(false);
            return new SummaryListResult(found);
        }).Produces<SearchResponse>().WithSummary("Full-text search over subject, body and names, newest first");

        api.MapGet("/who", (WebCaller caller, MailService mail) =>
            (IReadOnlyList<OnlineResponse>)[.. mail.Online().Select(OnlineResponse.From)])
            .WithSummary("Who is online");

        api.MapGet("/users", async (string? prefix, int? limit, WebCaller caller, MailService mail, HttpContext context) =>
            await mail.CompleteNamesAsync(prefix ?? "", limit ?? 20, context.RequestAborted).ConfigureAwait(false))
            .WithSummary("User names starting with a prefix, for completion");
    }

    private static void Apply(bool? wanted, MessageFlags flag, ref MessageFlags add, ref MessageFlags remove)
    {
        if (wanted == true)
        {
            add |= flag;
        }
        else if (wanted == false)
        {
            remove |= flag;
        }
    }
}
