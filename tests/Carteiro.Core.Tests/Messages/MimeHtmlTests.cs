using System.Text;
using Carteiro.Core.Messages;

namespace Carteiro.Core.Tests.Messages;

/// <summary>HTML mail made safe to show: what goes, what stays.</summary>
public sealed class MimeHtmlTests
{
    private static byte[] Mail(string html, string contentType = "text/html; charset=utf-8") => Encoding.UTF8.GetBytes(
        $"From: a@localhost\r\nTo: b@localhost\r\nSubject: html\r\nMIME-Version: 1.0\r\nContent-Type: {contentType}\r\n\r\n{html}\r\n");

    [Fact]
    public void ScriptsHandlersFramesAndForms_AreRemoved_TextAndLinksStay()
    {
        const string Html = """
            <html><head><script>steal()</script><meta http-equiv="refresh" content="0;url=https://evil.example"></head>
            <body onload="steal()"><p class="x">Hello <b>Bob</b></p>
            <img src="x" onerror="steal()"><iframe src="https://evil.example"></iframe>
            <form action="https://evil.example"><input name="password"></form>
            <a href="https://example.org/page" onclick="steal()">a link</a> <a href="javascript:steal()">bad</a>
            <a href="mailto:alice@localhost">write</a> <a href="data:text/html,<script>steal()</script>">data</a>
            <svg><script>steal()</script></svg></body></html>
            """;

        var safe = MimeHtml.Of(Mail(Html));

        Assert.NotNull(safe);
        string html = safe.Html;
        Assert.DoesNotContain("steal", html, StringComparison.Ordinal);
        Assert.DoesNotContain("<iframe", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("<form", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("<input", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("<meta", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("evil.example", html, StringComparison.Ordinal);
        Assert.Contains("<b>Bob</b>", html, StringComparison.Ordinal);
        Assert.Contains("<a href=\"https://example.org/page\" target=\"_blank\" rel=\"noopener noreferrer\">a link</a>", html, StringComparison.Ordinal);
        Assert.Contains("href=\"mailto:alice@localhost\"", html, StringComparison.Ordinal);
        Assert.DoesNotContain("data:text/html", html, StringComparison.Ordinal);
    }

    [Fact]
    public void RemoteContent_IsBlockedAndCounted_EmbeddedPicturesStay()
    {
        const string Html = """
            <p style="background: url(https://tracker.example/bg.png)">x</p>
            <img src="https://tracker.example/pixel.gif" width="1">
            <img src="data:image/png;base64,iVBORw0KGgo=" alt="inline">
            <table background="https://tracker.example/t.png"><tr><td>cell</td></tr></table>
            """;

        var safe = MimeHtml.Of(Mail(Html));

        Assert.NotNull(safe);
        Assert.DoesNotContain("tracker.example", safe.Html, StringComparison.Ordinal);
        Assert.Contains("src=\"data:image/png;base64,iVBORw0KGgo=\"", safe.Html, StringComparison.Ordinal);
        Assert.Contains("cell", safe.Html, StringComparison.Ordinal);
        Assert.Equal(3, safe.RemoteContentBlocked);
    }

    [Fact]
    public void PlainTextMail_HasNoHtml()
    {
        Assert.Null(MimeHtml.Of(Mail("just text", "text/plain; charset=utf-8")));
    }
}
