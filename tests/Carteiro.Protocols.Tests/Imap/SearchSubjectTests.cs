using System.Text;
using Carteiro.Core.Mailboxes;
using Carteiro.Core.Storage;
using Carteiro.Protocols.Imap;

namespace Carteiro.Protocols.Tests.Imap;

public sealed class SearchSubjectTests
{
    private static SearchSubject Of(string document)
    {
        var subject = new SearchSubject { Count = 1, LargestUid = 1 };
        subject.Reset(new FolderEntry(1, 1, document.Length, MessageFlags.None, 1, DateTimeOffset.UnixEpoch), 1, Encoding.UTF8.GetBytes(document));
        return subject;
    }

    [Theory]
    [InlineData("Subject: x\r\n\r\nMeet me in Zanzibar.\r\n", "zanzibar", true)]
    [InlineData("Subject: x\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nOlá, Zanzibar!\r\n", "ZANZIBAR", true)]
    [InlineData("Subject: x\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nOlá, Zanzibar!\r\n", "olá", true)]
    [InlineData("Subject: zanzibar\r\n\r\nnothing here\r\n", "zanzibar", false)]
    [InlineData("Subject: x\r\n\r\nzanziba\r\n", "zanzibar", false)]
    public void Body_OfPlainText_IsSearchedWithoutRegardToCase(string document, string needle, bool found) =>
        Assert.Equal(found, Of(document).BodyContains(needle));

    [Fact]
    public void Body_InQuotedPrintable_IsSearchedDecoded() =>
        Assert.True(Of("Subject: x\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\ncaf=C3=A9 au lait\r\n").BodyContains("CAFÉ AU"));

    [Fact]
    public void Body_OfAMultipart_SearchesItsTextParts()
    {
        const string document = "Subject: x\r\nContent-Type: multipart/alternative; boundary=b\r\n\r\n--b\r\nContent-Type: text/plain\r\n\r\nplain words\r\n"
            + "--b\r\nContent-Type: text/html\r\n\r\n<p>html words</p>\r\n--b--\r\n";
        Assert.True(Of(document).BodyContains("PLAIN WORDS"));
        Assert.False(Of(document).BodyContains("boundary"));
    }

    [Fact]
    public void Headers_AreSearchedDecoded() =>
        Assert.True(Of("Subject: =?UTF-8?B?T2zDoSBtdW5kbw==?=\r\n\r\nbody\r\n").HeaderContains("Subject", "olá MUNDO"));
}
