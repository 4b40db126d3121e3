using System.Text;
using Carteiro.Core.Messages;

namespace Carteiro.Core.Tests.Messages;

/// <summary>
/// The shortcut for plain sends must write exactly the bytes MimeKit writes, and leave to MimeKit
/// every draft it cannot write that way. Checked against MimeKit itself on drawn drafts.
/// </summary>
public sealed class PlainDocumentTests
{
    // Mostly what the shortcut takes, with every kind of thing it must leave to MimeKit.
    private static readonly string[] Names = ["alice", "bob", "Carol99", "d_e-f", "x", "alice", "bob", "Carol99", "d_e-f", "x", "john.doe", "a.b.c", ".dot", "dot.", "a..b", new string('n', 64)];
    private static readonly string[] Domains = ["localhost", "example.org", "mail-1.example.org"];
    private static readonly string[] SubjectPieces = ["Lunch?", "a", " ", "Lunch?", "a", " ", "=", "?", "(x)", "\"q\"", "a:b;c", "<>", "\\", "  ", "=?utf-8?q?x?=", "caf\u00e9", "\t", new string('w', 40), "abcdefghij abcdefghij abcdefghij abcdefghij abcdefghij abcdefghij"];
    private static readonly string[] BodyPieces = ["x", new string('x', 1000), "\n", "\r\n", "\r", "\u00e9", "\ud83d\ude00", " ", "=", "\t", "a \n", "From me\n", ".", "\0"];
    private static readonly string?[] Parents = [null, "<abc@localhost>", "abc@example.org", "<a.b@c.d>", "<weird id@x>", "<noat>", $"<{new string('p', 60)}@localhost>"];

    [Fact]
    public void WhatItWrites_IsExactlyWhatMimeKitWrites()
    {
        var random = new Random(26112026);
        int written = 0;
        for (int round = 0; round < 3000; round++)
        {
            string sender = Pick(random, Names);
            string domain = Pick(random, Domains);
            var draft = new Draft
            {
                To = Draw(random, random.Next(0, 3), () => Pick(random, Names)),
                Cc = Draw(random, random.Next(0, 3) == 0 ? random.Next(1, 3) : 0, () => Pick(random, Names)),
                ToEveryone = random.Next(8) == 0,
                Subject = string.Concat(Draw(random, random.Next(0, 4), () => Pick(random, SubjectPieces))),
                Body = string.Concat(Draw(random, random.Next(0, 12), () => Pick(random, BodyPieces))),
            };
            var date = new DateTimeOffset(2000, 1, 1, 0, 0, 0, TimeSpan.Zero).AddSeconds(random.NextInt64(0, 1_000_000_000))
                .ToOffset(TimeSpan.FromMinutes(random.Next(-12 * 4, 14 * 4) * 15));
            string? parent = Pick(random, Parents);
            string messageId = $"{Guid.NewGuid():N}@{domain}";

            byte[]? shortcut = PlainDocument.TryWrite(sender, draft, domain, date, parent, messageId);
            if (shortcut is null)
            {
                continue;
            }

            written++;
            byte[] mimeKit = MimeComposer.ComposeWithMimeKit(sender, draft, domain, date, parent, messageId).Bytes;
            Assert.True(mimeKit.AsSpan().SequenceEqual(shortcut), $"MimeKit:\n{Show(mimeKit)}\nshortcut:\n{Show(shortcut)}");
        }

        Assert.True(written > 500, $"only {written} of 3000 written by the shortcut");
    }

    [Fact]
    public void CommonSends_TakeTheShortcut()
    {
        var draft = new Draft { To = ["bob"], Cc = ["carol"], Subject = "load", Body = new string('x', 1024) + "\nnext line, caf\u00e9" };

        Assert.NotNull(PlainDocument.TryWrite("alice", draft, "localhost", DateTimeOffset.UnixEpoch, "<abc@localhost>", "id@localhost"));
        Assert.NotNull(PlainDocument.TryWrite("alice", draft with { To = [], ToEveryone = true }, "localhost", DateTimeOffset.UnixEpoch, null, "id@localhost"));
    }

    [Fact]
    public void DraftsThatNeedMimeKit_AreLeftToIt()
    {
        var plain = new Draft { To = ["bob"], Subject = "s", Body = "b" };

        Assert.Null(PlainDocument.TryWrite("alice", plain with { Subject = "caf\u00e9" }, "localhost", DateTimeOffset.UnixEpoch, null, "id@localhost"));
        Assert.Null(PlainDocument.TryWrite("alice", plain with { Subject = new string('s', 80) }, "localhost", DateTimeOffset.UnixEpoch, null, "id@localhost"));
        Assert.Null(PlainDocument.TryWrite("alice", plain with { To = [.. Enumerable.Range(0, 10).Select(i => $"user{i}")] }, "localhost", DateTimeOffset.UnixEpoch, null, "id@localhost"));
        Assert.Null(PlainDocument.TryWrite("alice", plain with { Attachments = [new Attachment("a.bin", "application/octet-stream", new byte[] { 1 })] }, "localhost", DateTimeOffset.UnixEpoch, null, "id@localhost"));
    }

    [Fact]
    public void ComposedDocuments_UseTheShortcutOrMimeKit_WithTheSameResult()
    {
        var draft = new Draft { To = ["bob"], Subject = "Lunch?", Body = "Noon?\nOr one." };

        var composed = MimeComposer.Compose("alice", draft, "localhost", DateTimeOffset.UnixEpoch, null);
        string messageId = composed.MessageIdHeader.Trim('<', '>');

        Assert.Equal(MimeComposer.ComposeWithMimeKit("alice", draft, "localhost", DateTimeOffset.UnixEpoch, null, messageId).Bytes, composed.Bytes);
        Assert.Empty(composed.Attachments);
    }

    private static T Pick<T>(Random random, T[] items) => items[random.Next(items.Length)];

    private static List<string> Draw(Random random, int count, Func<string> next) => [.. Enumerable.Range(0, count).Select(_ => next())];

    private static string Show(byte[] document) =>
        Encoding.UTF8.GetString(document).Replace("\r", "\\r", StringComparison.Ordinal);
}
