using System.Text.Json;
using Carteiro.Core.Mailboxes;
using Carteiro.Core.Messages;

namespace Carteiro.Protocols.Common;

/// <summary>
/// The JSON shapes of messages and folders (docs/PROTOCOL.md, docs/HTTP-API.md), shared by the
/// native and HTTP doors and written without intermediate objects.
/// </summary>
public static class MailJson
{
    public static void WriteSummary(Utf8JsonWriter json, MessageSummary summary)
    {
        json.WriteStartObject();
        WriteSummaryFields(json, summary);
        json.WriteEndObject();
    }

    public static void WriteSummaryFields(Utf8JsonWriter json, MessageSummary s)
    {
        json.WriteNumber("id"u8, s.Id);
        json.WriteString("folder"u8, s.Folder);
        json.WriteNumber("uid"u8, s.Uid);
        json.WriteNumber("message"u8, s.MessageId);
        json.WriteNumber("thread"u8, s.ThreadId);
        if (s.InReplyTo is long parent)
        {
            json.WriteNumber("inReplyTo"u8, parent);
        }
        else
        {
            json.WriteNull("inReplyTo"u8);
        }

        json.WriteString("from"u8, s.From);
        WriteNames(json, "to"u8, s.To);
        WriteNames(json, "cc"u8, s.Cc);
        WriteNames(json, "bcc"u8, s.Bcc);
        json.WriteBoolean("everyone"u8, s.ToEveryone);
        json.WriteString("subject"u8, s.Subject);
        json.WriteString("date"u8, s.Date);
        json.WriteNumber("size"u8, s.Size);
        json.WriteStartArray("flags"u8);
        if ((s.Flags & MessageFlags.Seen) != 0)
        {
            json.WriteStringValue("seen"u8);
        }

        if ((s.Flags & MessageFlags.Answered) != 0)
        {
            json.WriteStringValue("answered"u8);
        }

        if ((s.Flags & MessageFlags.Flagged) != 0)
        {
            json.WriteStringValue("flagged"u8);
        }

        json.WriteEndArray();
        json.WriteString("snippet"u8, s.Snippet);
        json.WriteNumber("attachmentCount"u8, s.AttachmentCount);
        json.WriteNumber("modseq"u8, s.ModSeq);
    }

    public static void WriteFolder(Utf8JsonWriter json, FolderInfo folder)
    {
        json.WriteStartObject();
        json.WriteString("name"u8, folder.Name);
        json.WriteNumber("total"u8, folder.Total);
        json.WriteNumber("unread"u8, folder.Unread);
        json.WriteNumber("uidValidity"u8, folder.UidValidity);
        json.WriteNumber("uidNext"u8, folder.UidNext);
        json.WriteNumber("highestModSeq"u8, folder.HighestModSeq);
        json.WriteEndObject();
    }

    private static void WriteNames(Utf8JsonWriter json, ReadOnlySpan<byte> property, IReadOnlyList<string> names)
    {
        json.WriteStartArray(property);
        foreach (string name in names)
        {
            json.WriteStringValue(name);
        }

        json.WriteEndArray();
    }
}
