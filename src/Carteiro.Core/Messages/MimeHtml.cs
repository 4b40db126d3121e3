using AngleSharp.Dom;
using Ganss.Xss;
using MimeKit;

namespace Carteiro.Core.Messages;

/// <summary>
/// The HTML part of a stored message, made safe to show with HtmlSanitizer: no script, no event
/// handlers, no frames, forms or plugins, and no remote content (an image, style or font fetched
/// from elsewhere tells the sender when and where the mail was read). Pictures carried inside the
/// mail as <c>data:</c> URLs stay; links stay and open in a new tab. Readers show the result in a
/// sandboxed frame under a policy that blocks the same things again.
/// </summary>
public static class MimeHtml
{
    /// <summary>Sanitized HTML (a body fragment) and how many remote references were dropped.</summary>
    public sealed record Safe(string Html, int RemoteContentBlocked);

    /// <summary>The message's HTML made safe, or null when it has no HTML part.</summary>
    public static Safe? Of(byte[] document)
    {
        using var input = new MemoryStream(document, writable: false);
        var message = MimeMessage.Load(input);
        if (message.HtmlBody is not { } html)
        {
            return null;
        }

        int blocked = 0;
        var sanitizer = new HtmlSanitizer();
        foreach (string tag in new[] { "form", "input", "button", "select", "textarea", "option" })
        {
            sanitizer.AllowedTags.Remove(tag);
        }

        sanitizer.AllowedSchemes.Add("mailto");
        sanitizer.AllowedSchemes.Add("data");
        sanitizer.FilterUrl += (_, url) =>
        {
            bool link = url.Tag.TagName.Equals("A", StringComparison.OrdinalIgnoreCase) || url.Tag.TagName.Equals("AREA", StringComparison.OrdinalIgnoreCase);
            string? kept = url.SanitizedUrl;
            if (kept is null)
            {
                return;
            }

            if (link ? kept.StartsWith("data:", StringComparison.OrdinalIgnoreCase) : !kept.StartsWith("data:image/", StringComparison.OrdinalIgnoreCase))
            {
                // A link to a data: document, or anything a browser would fetch on its own.
                url.SanitizedUrl = null;
            }
        };

        // Counted where they go: an attribute or a style property that pointed elsewhere.
        static bool Remote(string? value) => value is not null && (value.Contains("://", StringComparison.Ordinal) || value.Contains("url(", StringComparison.OrdinalIgnoreCase) || value.StartsWith("//", StringComparison.Ordinal));
        sanitizer.RemovingAttribute += (_, e) =>
        {
            bool link = e.Tag.TagName is "A" or "AREA" && e.Attribute.Name.Equals("href", StringComparison.OrdinalIgnoreCase);
            if (!link && Remote(e.Attribute.Value))
            {
                blocked++;
            }
        };
        sanitizer.RemovingStyle += (_, e) =>
        {
            if (Remote(e.Style.Value))
            {
                blocked++;
            }
        };
        sanitizer.PostProcessNode += (_, e) =>
        {
            if (e.Node is IElement { TagName: "A" } anchor && anchor.HasAttribute("href"))
            {
                anchor.SetAttribute("target", "_blank");
                anchor.SetAttribute("rel", "noopener noreferrer");
            }
        };

        return new Safe(sanitizer.Sanitize(html), blocked);
    }
}
