using System.Buffers;
using System.Runtime.InteropServices;
using System.Text;
using Carteiro.Protocols.Imap;
using MimeKit.Utils;

namespace Carteiro.Protocols.Tests.Imap;

public sealed class ImapEnvelopeTests
{
    [Fact]
    public void Rfc3501Example_IsTheRfcsEnvelope()
    {
        // RFC 3501 section 6.4.5, the FETCH example's ENVELOPE, byte for byte.
        const string expected = "(\"Wed, 17 Jul 1996 02:23:25 -0700 (PDT)\" \"IMAP4rev1 WG mtg summary and minutes\" "
            + "((\"Terry Gray\" NIL \"gray\" \"cac.washington.edu\")) ((\"Terry Gray\" NIL \"gray\" \"cac.washington.edu\")) "
            + "((\"Terry Gray\" NIL \"gray\" \"cac.washington.edu\")) ((NIL NIL \"imap\" \"cac.washington.edu\")) "
            + "((NIL NIL \"minutes\" \"CNRI.Reston.VA.US\")(\"John Klensin\" NIL \"KLENSIN\" \"MIT.EDU\")) NIL NIL "
            + "\"<B27397-0100000@cac.washington.edu>\")";

        Assert.Equal(expected, Written.Envelope(ImapFixtures.Rfc3501));
    }

    [Fact]
    public void AddressAndValueForms_AreWrittenAsDovecotWritesThem()
    {
        // Checked against Dovecot 2.3, which differs only in keeping the folded Message-ID's leading
        // space and in sending the subject with its tab as a literal.
        const string expected = "(\"Thu, 26 Nov 2026 08:00:00 +0000\" \"=?utf-8?q?caf=C3=A9?= and a long\tfolded subject\" "
            + "((\"=?ISO-8859-1?Q?Andr=E9?= Pirard\" NIL \"PIRARD\" \"vm1.ulg.ac.be\")) "
            + "((\"Doe, John\" NIL \"john\" \"example.org\")) "
            + "((NIL NIL \"undisclosed-recipients\" NIL)(NIL NIL NIL NIL)) "
            + "((NIL NIL \"Friends\" NIL)(NIL NIL \"alice\" \"example.org\")(\"Bob B.\" NIL \"bob\" \"example.com\")(NIL NIL NIL NIL)(NIL NIL \"carol\" \"example.net\")) "
            + "((NIL \"@relay.example,@hop.example\" \"dave\" \"example.org\")(\"Erin E.\" NIL \"erin\" \"MISSING_DOMAIN\")) "
            + "NIL \"<parent@example.org>\" \"<folded-id@example.org>\")";

        Assert.Equal(expected, Written.Envelope(ImapFixtures.Edges));
    }

    [Fact]
    public void FoldedSubject_IsUnfoldedAndEncodedWordsStayEncoded()
    {
        string envelope = Written.EnvelopeOf("Subject: =?utf-8?q?caf=C3=A9?= and\n a long\n\tfolded subject");

        Assert.Equal("(NIL \"=?utf-8?q?caf=C3=A9?= and a long\tfolded subject\" NIL NIL NIL NIL NIL NIL NIL NIL)", envelope);
    }

    [Fact]
    public void MissingFields_AreNil()
    {
        Assert.Equal("(NIL \"only\" NIL NIL NIL NIL NIL NIL NIL NIL)", Written.EnvelopeOf("Subject: only"));
    }

    [Fact]
    public void EmptySubject_IsAnEmptyString()
    {
        Assert.Equal("(NIL \"\" NIL NIL NIL NIL NIL NIL NIL NIL)", Written.EnvelopeOf("Subject:"));
    }

    [Fact]
    public void SenderAndReplyTo_DefaultToFrom()
    {
        string envelope = Written.EnvelopeOf("From: Alice <alice@example.org>");

        Assert.Equal("(NIL NIL ((\"Alice\" NIL \"alice\" \"example.org\")) ((\"Alice\" NIL \"alice\" \"example.org\")) ((\"Alice\" NIL \"alice\" \"example.org\")) NIL NIL NIL NIL NIL)", envelope);
    }

    [Fact]
    public void EmptySenderAndReplyTo_DefaultToFrom()
    {
        string envelope = Written.EnvelopeOf("From: alice@example.org\nSender:\nReply-To: ");

        Assert.Equal("(NIL NIL ((NIL NIL \"alice\" \"example.org\")) ((NIL NIL \"alice\" \"example.org\")) ((NIL NIL \"alice\" \"example.org\")) NIL NIL NIL NIL NIL)", envelope);
    }

    [Fact]
    public void SenderAndReplyTo_WhenPresent_AreTheirOwn()
    {
        string envelope = Written.EnvelopeOf("From: alice@example.org\nSender: list@example.org\nReply-To: list@example.org, alice@example.org");

        Assert.Equal("(NIL NIL ((NIL NIL \"alice\" \"example.org\")) ((NIL NIL \"list\" \"example.org\")) ((NIL NIL \"list\" \"example.org\")(NIL NIL \"alice\" \"example.org\")) NIL NIL NIL NIL NIL)", envelope);
    }

    [Fact]
    public void NoFrom_LeavesSenderAndReplyToNil()
    {
        Assert.Equal("(NIL NIL NIL NIL NIL ((NIL NIL \"bob\" \"example.com\")) NIL NIL NIL NIL)", Written.EnvelopeOf("To: bob@example.com"));
    }

    [Fact]
    public void FieldNames_AreCaseInsensitive_AndTheFirstOfARepeatedFieldWins()
    {
        string envelope = Written.EnvelopeOf("SUBJECT: first\nsubject: second\nmessage-id: <a@b>");

        Assert.Equal("(NIL \"first\" NIL NIL NIL NIL NIL NIL NIL \"<a@b>\")", envelope);
    }

    [Fact]
    public void BodyFields_AreNeverRead()
    {
        // The header ends at the first empty line: a "Subject:" in the body is text.
        var document = ImapFixtures.Crlf("From: a@example.org\n\nSubject: not a header\n");

        Assert.Equal("(NIL NIL ((NIL NIL \"a\" \"example.org\")) ((NIL NIL \"a\" \"example.org\")) ((NIL NIL \"a\" \"example.org\")) NIL NIL NIL NIL NIL)", Written.Envelope(document));
    }

    [Theory]
    [InlineData("bob@example.com", "(NIL NIL \"bob\" \"example.com\")")]
    [InlineData("<bob@example.com>", "(NIL NIL \"bob\" \"example.com\")")]
    [InlineData("Bob Smith <bob@example.com>", "(\"Bob Smith\" NIL \"bob\" \"example.com\")")]
    [InlineData("Bob   Q.\n  Smith <bob@example.com>", "(\"Bob Q. Smith\" NIL \"bob\" \"example.com\")")]
    [InlineData("\"Smith, Bob\" <bob@example.com>", "(\"Smith, Bob\" NIL \"bob\" \"example.com\")")]
    [InlineData("\"Bob \\\"the\\\" Builder\" <bob@example.com>", "(\"Bob \\\"the\\\" Builder\" NIL \"bob\" \"example.com\")")]
    [InlineData("\"\" <bob@example.com>", "(NIL NIL \"bob\" \"example.com\")")]
    [InlineData("bob@example.com (Bob Smith)", "(\"Bob Smith\" NIL \"bob\" \"example.com\")")]
    [InlineData("bob@example.com ( Bob \"B\"  Smith )", "(\"Bob \\\"B\\\"  Smith\" NIL \"bob\" \"example.com\")")]
    [InlineData("=?utf-8?q?Jos=C3=A9?= <jose@example.org>", "(\"=?utf-8?q?Jos=C3=A9?=\" NIL \"jose\" \"example.org\")")]
    [InlineData("\"quoted local\"@example.org", "(NIL NIL \"\\\"quoted local\\\"\" \"example.org\")")]
    [InlineData("bob", "(NIL NIL \"bob\" \"MISSING_DOMAIN\")")]
    [InlineData("<@relay.example:bob@example.com>", "(NIL \"@relay.example\" \"bob\" \"example.com\")")]
    public void Mailbox_IsNameAdlMailboxHost(string address, string expected)
    {
        string envelope = Written.EnvelopeOf("To: " + address);

        Assert.Equal($"(NIL NIL NIL NIL NIL ({expected}) NIL NIL NIL NIL)", envelope);
    }

    [Theory]
    [InlineData("bob@example.com")]
    [InlineData("<bob@example.com>")]
    [InlineData("Bob Smith <bob@example.com>")]
    [InlineData("\"Smith, Bob\" <bob@example.com>")]
    [InlineData("\"Bob \\\"the\\\" Builder\" <bob@example.com>")]
    [InlineData("bob@example.com (Bob Smith)")]
    [InlineData("a@example.org, B <b@example.org>, \"C\" <c@example.org>")]
    public void SimpleForms_ReadAsMimeKitReadsThem(string addresses)
    {
        // Simple forms are read without MimeKit; inside a group, MimeKit reads the same mailboxes.
        string simple = Written.EnvelopeOf("To: " + addresses);
        string viaMimeKit = Written.EnvelopeOf("To: G: " + addresses + ";");

        string mailboxes = simple["(NIL NIL NIL NIL NIL (".Length..simple.IndexOf(") NIL NIL NIL NIL)", StringComparison.Ordinal)];
        Assert.Equal($"(NIL NIL NIL NIL NIL ((NIL NIL \"G\" NIL){mailboxes}(NIL NIL NIL NIL)) NIL NIL NIL NIL)", viaMimeKit);
    }

    [Fact]
    public void EmptyListMembers_AreSkipped()
    {
        string envelope = Written.EnvelopeOf("Cc: a@example.org,, b@example.org,");

        Assert.Equal("(NIL NIL NIL NIL NIL NIL ((NIL NIL \"a\" \"example.org\")(NIL NIL \"b\" \"example.org\")) NIL NIL NIL)", envelope);
    }

    [Fact]
    public void UndisclosedRecipients_IsAnEmptyGroup()
    {
        string envelope = Written.EnvelopeOf("Bcc: undisclosed-recipients:;");

        Assert.Equal("(NIL NIL NIL NIL NIL NIL NIL ((NIL NIL \"undisclosed-recipients\" NIL)(NIL NIL NIL NIL)) NIL NIL)", envelope);
    }

    [Fact]
    public void Group_IsOpenedAndClosedAroundItsMembers()
    {
        string envelope = Written.EnvelopeOf("To: Team: a@example.org, \"B\" <b@example.org>;, c@example.org");

        Assert.Equal("(NIL NIL NIL NIL NIL ((NIL NIL \"Team\" NIL)(NIL NIL \"a\" \"example.org\")(\"B\" NIL \"b\" \"example.org\")(NIL NIL NIL NIL)(NIL NIL \"c\" \"example.org\")) NIL NIL NIL NIL)", envelope);
    }

    [Fact]
    public void EightBitName_GoesOutAsEncodedWordsThatDecodeBack()
    {
        string envelope = Written.EnvelopeOf("From: José da Silva <jose@example.org>");

        string name = envelope.Split('"')[1];
        Assert.True(Ascii.IsValid(name), name);
        Assert.StartsWith("=?utf-8?", name, StringComparison.OrdinalIgnoreCase);
        Assert.Equal("José da Silva", Rfc2047.DecodePhrase(Encoding.ASCII.GetBytes(name)));
    }

    [Fact]
    public void EncodedName_InAListMimeKitReads_IsReEncodedAndDecodesBack()
    {
        // A group sends the list to MimeKit, which decodes names; they go out 7-bit again.
        string envelope = Written.EnvelopeOf("To: Team: =?ISO-8859-1?Q?Andr=E9?= <andre@example.org>;");

        string name = envelope.Split('"')[3];
        Assert.True(Ascii.IsValid(name), name);
        Assert.Equal("André", Rfc2047.DecodePhrase(Encoding.ASCII.GetBytes(name)));
    }

    [Fact]
    public void EightBitValues_AreLiterals()
    {
        string envelope = Written.Envelope(ImapFixtures.EightBit);

        Assert.StartsWith("(NIL {8}\r\nOlá ☕ ((", envelope, StringComparison.Ordinal);
        Assert.Contains(" NIL {5}\r\njosé {12}\r\nexämple.org)", envelope, StringComparison.Ordinal);
    }

    [Fact]
    public void Garbage_IsAllNil()
    {
        Assert.Equal("(NIL NIL NIL NIL NIL NIL NIL NIL NIL NIL)", Written.Envelope(ImapFixtures.Garbage));
    }

    [Fact]
    public void EmptyDocument_IsAllNil()
    {
        Assert.Equal("(NIL NIL NIL NIL NIL NIL NIL NIL NIL NIL)", Written.Envelope([]));
    }

    [Fact]
    public void DocumentNotBackedByAnArray_ReadsTheSame()
    {
        // MimeKit's parser needs an array; memory that is not one is copied for it.
        using var memory = new NotAnArray(ImapFixtures.Edges);

        Assert.False(MemoryMarshal.TryGetArray((ReadOnlyMemory<byte>)memory.Memory, out _));
        Assert.Equal(Written.Envelope(ImapFixtures.Edges), Written.Of(w => ImapEnvelope.Write(w, memory.Memory)));
    }

    [Fact]
    public void DocumentInTheMiddleOfAnArray_ReadsTheSame()
    {
        var padded = new byte[ImapFixtures.Edges.Length + 20];
        padded.AsSpan(0, 10).Fill((byte)'x');
        ImapFixtures.Edges.CopyTo(padded, 10);

        string envelope = Written.Of(w => ImapEnvelope.Write(w, padded.AsMemory(10, ImapFixtures.Edges.Length)));

        Assert.Equal(Written.Envelope(ImapFixtures.Edges), envelope);
    }

    /// <summary>Memory that does not expose an array, as a memory-mapped store's would not.</summary>
    private sealed class NotAnArray(byte[] bytes) : MemoryManager<byte>
    {
        public override Span<byte> GetSpan() => bytes;

        public override MemoryHandle Pin(int elementIndex = 0) => throw new NotSupportedException();

        public override void Unpin()
        {
        }

        protected override void Dispose(bool disposing)
        {
        }
    }
}
