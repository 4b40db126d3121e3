using System.Text;
using Carteiro.TestKit;
using Carteiro.Web.Tests.Support;

namespace Carteiro.Web.Tests;

/// <summary>HTML mail (from a mail program over SMTP) is offered sanitized, as its own sandboxed page.</summary>
public sealed class HtmlMailTests(WebFixture fixture) : IClassFixture<WebFixture>
{
    private readonly TestServer _server = fixture.Server;

    // alice submits an HTML mail to bob over SMTP, as a mail program would.
    private async Task SubmitAsync(string alice, string bob, string subject, string html)
    {
        await using var smtp = await RawConnection.ConnectAsync(_server.Smtp);
        string plain = Convert.ToBase64String(Encoding.UTF8.GetBytes($"\0{alice}\0{Passwords.Default}"));
        await smtp.SendAsync($"EHLO web-test\r\nAUTH PLAIN {plain}\r\nMAIL FROM:<{alice}@localhost>\r\nRCPT TO:<{bob}@localhost>\r\nDATA");
        await smtp.ReadUntilAsync("354");
        await smtp.SendAsync($"Subject: {subject}\r\nMIME-Version: 1.0\r\nContent-Type: text/html; charset=utf-8\r\n\r\n{html}\r\n.");
        Assert.StartsWith("250 2.0.0", await smtp.ReadLineAsync());
    }

    [Fact]
    public async Task HtmlMail_IsServedSanitized_InAPageOfItsOwnThatCannotRunOrFetchAnything()
    {
        using var alice = await WebUser.NewAsync(_server, "alice");
        using var bob = await WebUser.NewAsync(_server, "bob");
        await SubmitAsync(alice.User, bob.User, "newsletter",
            "<p>Big <b>news</b></p><script>steal()</script><img src=\"https://tracker.example/p.gif\"><a href=\"https://example.org\">read more</a>");
        var item = (await bob.ListAsync()).GetProperty("items")[0];
        long id = item.GetProperty("id").GetInt64();

        var message = (await bob.GetAsync($"api/messages/{id}")).AssertStatus(200).Json;
        Assert.True(message.GetProperty("html").GetBoolean());
        Assert.Equal(1, message.GetProperty("remoteContentBlocked").GetInt32());
        Assert.Contains("Big news", message.Str("body"), StringComparison.Ordinal);

        var page = (await bob.GetAsync($"api/messages/{id}/html")).AssertStatus(200);
        Assert.Equal("text/html", page.MediaType);
        Assert.Contains("Big <b>news</b>", page.Text, StringComparison.Ordinal);
        Assert.DoesNotContain("steal", page.Text, StringComparison.Ordinal);
        Assert.DoesNotContain("tracker.example", page.Text, StringComparison.Ordinal);
        Assert.Contains("target=\"_blank\"", page.Text, StringComparison.Ordinal);
        string csp = page.Header("Content-Security-Policy")!;
        Assert.Contains("default-src 'none'", csp, StringComparison.Ordinal);
        Assert.Contains("sandbox", csp, StringComparison.Ordinal);
        Assert.DoesNotContain("allow-scripts", csp, StringComparison.Ordinal);
        Assert.DoesNotContain("allow-same-origin", csp, StringComparison.Ordinal);
        Assert.Contains("frame-ancestors 'self'", csp, StringComparison.Ordinal);
        Assert.Equal("SAMEORIGIN", page.Header("X-Frame-Options"));

        // Not alice's to see, and a plain-text mail has no HTML page.
        (await alice.GetAsync($"api/messages/{id}/html")).AssertStatus(404);
        var plain = await alice.SendMailAsync(bob.User, "plain");
        long plainId = (await bob.FindAsync(plain.Long("message"))).Long("id");
        Assert.False((await bob.GetAsync($"api/messages/{plainId}")).AssertStatus(200).Json.GetProperty("html").GetBoolean());
        (await bob.GetAsync($"api/messages/{plainId}/html")).AssertStatus(404);
    }
}
