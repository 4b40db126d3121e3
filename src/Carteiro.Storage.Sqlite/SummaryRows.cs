using Carteiro.Core.Mailboxes;
using Carteiro.Core.Messages;
using Microsoft.Data.Sqlite;

namespace Carteiro.Storage.Sqlite;

/// <summary>The one SELECT that makes a <see cref="MessageSummary"/>, shared by lists, search and writes.</summary>
internal static class SummaryRows
{
    // Bcc is shown only in the sender's own copies.
    public const string Columns = """
        e.id, f.name, e.uid, m.id, COALESCE(m.thread_id, m.id), m.in_reply_to, m.sender_name,
        m.to_names, m.cc_names, CASE WHEN m.sender_id = e.account_id THEN m.bcc_names ELSE '' END,
        m.everyone, m.subject, m.date, m.size, e.flags, m.snippet, m.attachment_count, e.modseq
        """;

    public const string From = " FROM entries e JOIN folders f ON f.id = e.folder_id JOIN messages m ON m.id = e.message_id ";

    public const int ColumnCount = 18;

    public static MessageSummary Read(SqliteDataReader row) => new(
        Id: row.GetInt64(0),
        Folder: row.GetString(1),
        Uid: row.GetInt64(2),
        MessageId: row.GetInt64(3),
        ThreadId: row.GetInt64(4),
        InReplyTo: row.IsDBNull(5) ? null : row.GetInt64(5),
        From: row.GetString(6),
        To: Names(row.GetString(7)),
        Cc: Names(row.GetString(8)),
        Bcc: Names(row.GetString(9)),
        ToEveryone: row.GetInt64(10) != 0,
        Subject: row.GetString(11),
        Date: Sql.FromUnixMs(row.GetInt64(12)),
        Size: row.GetInt64(13),
        Flags: (MessageFlags)row.GetInt64(14),
        Snippet: row.GetString(15),
        AttachmentCount: (int)row.GetInt64(16),
        ModSeq: row.GetInt64(17));

    public static List<MessageSummary> ReadAll(SqliteCommand command)
    {
        var items = new List<MessageSummary>();
        using var row = command.ExecuteReader();
        while (row.Read())
        {
            items.Add(Read(row));
        }

        return items;
    }

    public static IReadOnlyList<string> Names(string joined) => joined.Length == 0 ? [] : joined.Split(',');

    public static string Join(IReadOnlyList<string> names) => string.Join(',', names);
}
