using System.Text;

namespace Carteiro.Protocols.Tests.Imap;

/// <summary>
/// Stored documents for the IMAP structure tests, CRLF throughout as the store keeps them. The
/// expected sizes and line counts in the tests were counted by hand from these texts (and
/// checked against Dovecot 2.3 fed the same files).
/// </summary>
internal static class ImapFixtures
{
    /// <summary>The message behind RFC 3501's FETCH example (section 6.4.5, 7.4.2): its envelope is the RFC's.</summary>
    public static readonly byte[] Rfc3501 = Crlf("""
        Date: Wed, 17 Jul 1996 02:23:25 -0700 (PDT)
        From: Terry Gray <gray@cac.washington.edu>
        Subject: IMAP4rev1 WG mtg summary and minutes
        To: imap@cac.washington.edu
        cc: minutes@CNRI.Reston.VA.US, John Klensin <KLENSIN@MIT.EDU>
        Message-Id: <B27397-0100000@cac.washington.edu>
        MIME-Version: 1.0
        Content-Type: TEXT/PLAIN; CHARSET=US-ASCII
        Content-Transfer-Encoding: 7BIT

        Hello Joe, do you think we can meet at 3:30 tomorrow?
        Second line.

        """);

    /// <summary>The address and value forms an envelope must cope with: encoded-words, groups, routes, folding.</summary>
    public static readonly byte[] Edges = Encoding.UTF8.GetBytes(
        "From: =?ISO-8859-1?Q?Andr=E9?= Pirard <PIRARD@vm1.ulg.ac.be>\r\n"
        + "Sender: \"Doe, John\" <john@example.org>\r\n"
        + "Reply-To: undisclosed-recipients:;\r\n"
        + "To: Friends: alice@example.org, \"Bob B.\" <bob@example.com>;, carol@example.net\r\n"
        + "Cc: <@relay.example,@hop.example:dave@example.org>, erin (Erin E.)\r\n"
        + "Subject: =?utf-8?q?caf=C3=A9?= and\r\n a long\r\n\tfolded subject\r\n"
        + "Date: Thu, 26 Nov 2026 08:00:00 +0000\r\n"
        + "In-Reply-To: <parent@example.org>\r\n"
        + "Message-ID:\r\n <folded-id@example.org>\r\n"
        + "\r\n"
        + "body\r\n");

    /// <summary>A multipart/alternative with a text and an HTML part.</summary>
    public static readonly byte[] Alternative = Crlf("""
        From: Alice <alice@example.org>
        To: Bob <bob@example.com>
        Subject: Lunch
        Date: Tue, 24 Nov 2026 10:00:00 -0300
        Message-ID: <alt-1@example.org>
        MIME-Version: 1.0
        Content-Type: multipart/alternative; boundary="alt"

        --alt
        Content-Type: text/plain; charset=utf-8
        Content-Transfer-Encoding: quoted-printable

        Noon at the caf=C3=A9?
        --alt
        Content-Type: text/html; charset=utf-8
        Content-Transfer-Encoding: quoted-printable

        <p>Noon at the caf=C3=A9?</p>
        --alt--

        """);

    /// <summary>A multipart/mixed: text, a base64 attachment, and a forwarded message that is itself a multipart/alternative.</summary>
    public static readonly byte[] Mixed = Crlf("""
        From: Alice <alice@example.org>
        To: Bob <bob@example.com>
        Subject: Report
        Date: Tue, 24 Nov 2026 10:00:00 -0300
        Message-ID: <mixed-1@example.org>
        MIME-Version: 1.0
        Content-Type: multipart/mixed; boundary="outer"

        This is the preamble.
        --outer
        Content-Type: text/plain; charset=us-ascii

        See the attached report.
        Two lines.
        --outer
        Content-Type: application/pdf; name="report.pdf"
        Content-Transfer-Encoding: base64
        Content-Disposition: attachment; filename="report.pdf"
        Content-ID: <report@example.org>
        Content-Description: The report

        JVBERi0xLjQKJcfsj6IKNSAwIG9iago8PC9MZW5ndGggNiAwIFI+PgpzdHJlYW0K
        ZW5kc3RyZWFtCmVuZG9iago=
        --outer
        Content-Type: message/rfc822
        Content-Disposition: inline

        From: Carol <carol@example.net>
        To: Alice <alice@example.org>
        Subject: Forwarded
        Date: Mon, 23 Nov 2026 09:00:00 +0100
        Content-Type: multipart/alternative; boundary="inner"

        --inner
        Content-Type: text/plain

        Plain.
        --inner
        Content-Type: text/html; charset="utf-8"
        Content-Language: en, pt-BR
        Content-Location: http://example.net/a.html

        <p>HTML.</p>
        --inner--

        --outer--
        Epilogue.

        """);

    /// <summary>
    /// The part tree of RFC 3501's section numbering example (section 6.4.5): 1, 2, 3 (a message
    /// holding 3.1 and 3.2), 4 (a multipart holding 4.1 and the message 4.2, which holds 4.2.1
    /// and the alternative 4.2.2 with 4.2.2.1 and 4.2.2.2). Each leaf says its own number.
    /// </summary>
    public static readonly byte[] Rfc3501Parts = Crlf("""
        From: a@example.org
        Subject: parts
        MIME-Version: 1.0
        Content-Type: multipart/mixed; boundary="b1"

        --b1
        Content-Type: text/plain

        Part 1.
        --b1
        Content-Type: application/octet-stream

        Part 2.
        --b1
        Content-Type: message/rfc822

        Subject: part 3
        Content-Type: multipart/mixed; boundary="b3"

        --b3
        Content-Type: text/plain

        Part 3.1.
        --b3
        Content-Type: application/octet-stream

        Part 3.2.
        --b3--
        --b1
        Content-Type: multipart/mixed; boundary="b4"

        --b4
        Content-Type: image/gif

        Part 4.1.
        --b4
        Content-Type: message/rfc822

        Subject: part 4.2
        Content-Type: multipart/mixed; boundary="b42"

        --b42
        Content-Type: text/plain

        Part 4.2.1.
        --b42
        Content-Type: multipart/alternative; boundary="b422"

        --b422
        Content-Type: text/plain

        Part 4.2.2.1.
        --b422
        Content-Type: text/richtext

        Part 4.2.2.2.
        --b422--
        --b42--
        --b4--
        --b1--

        """);

    /// <summary>SMTPUTF8 mail: raw UTF-8 in the header, including in a parameter.</summary>
    public static readonly byte[] EightBit = Crlf("""
        From: José <josé@exämple.org>
        To: bob@example.com
        Subject: Olá ☕
        Content-Type: text/plain; charset=utf-8; name="café.txt"
        Content-Transfer-Encoding: 8bit

        Olá!

        """);

    /// <summary>Bytes MimeKit cannot read as a message: no header, binary noise.</summary>
    public static readonly byte[] Garbage = [0x00, 0x01, 0xFF, 0xFE, (byte)'x', (byte)'\r', (byte)'\n', (byte)'\r', (byte)'\n', (byte)'y', (byte)'\r', (byte)'\n'];

    public static byte[] Crlf(string text) => Encoding.UTF8.GetBytes(text.ReplaceLineEndings("\r\n"));
}
