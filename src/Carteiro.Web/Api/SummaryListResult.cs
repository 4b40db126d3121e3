using System.Text.Json;
using Carteiro.Core.Mailboxes;
using Carteiro.Core.Messages;
using Carteiro.Protocols.Common;
using Microsoft.AspNetCore.Http;

namespace Carteiro.Web.Api;

/// <summary>
/// A list of message summaries (a folder page or search results) written straight from the store's
/// rows with the shared <see cref="MailJson"/> writer: the busiest answers of the API skip an
/// intermediate object per message. The shape is <see cref="PageResponse"/> or
/// <see cref="SearchResponse"/>, which the OpenAPI description names.
/// </summary>
internal sealed class SummaryListResult(IReadOnlyList<MessageSummary> items, FolderInfo? folder = null, long? next = null) : IResult
{
    public async Task ExecuteAsync(HttpContext httpContext)
    {
        var response = httpContext.Response;
        response.ContentType = "application/json; charset=utf-8";
        await using var json = new Utf8JsonWriter(response.BodyWriter);
        Write(json, items, folder, next);
        await json.FlushAsync(httpContext.RequestAborted).ConfigureAwait(false);
    }

    /// <summary>The answer as bytes, for <see cref="FolderPageCache"/>.</summary>
    public byte[] ToBytes()
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>(1024 + items.Count * 512);
        using (var json = new Utf8JsonWriter(buffer))
        {
            Write(json, items, folder, next);
        }

        return buffer.WrittenSpan.ToArray();
    }

    private static void Write(Utf8JsonWriter json, IReadOnlyList<MessageSummary> items, FolderInfo? folder, long? next)
    {
        json.WriteStartObject();
        if (folder is not null)
        {
            json.WritePropertyName("folder"u8);
            MailJson.WriteFolder(json, folder);
        }

        json.WriteStartArray("items"u8);
        foreach (var item in items)
        {
            MailJson.WriteSummary(json, item);
        }

        json.WriteEndArray();
        if (folder is not null)
        {
            if (next is long before)
            {
                json.WriteNumber("next"u8, before);
            }
            else
            {
                json.WriteNull("next"u8);
            }
        }

        json.WriteEndObject();
    }
}
