using System.Text;
using System.Xml;
using Carteiro.Core;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Carteiro.Web.Autoconfig;

/// <summary>
/// Thunderbird's autoconfiguration document (clientConfig 1.1): a mail program that is given only
/// an address and a password learns the listeners, their security and the user name from here.
/// Served at <c>/.well-known/autoconfig/mail/config-v1.1.xml</c> and <c>/mail/config-v1.1.xml</c>
/// (for an <c>autoconfig.DOMAIN</c> name pointed at this server). The host name given is the one
/// the request reached this server by.
/// </summary>
internal static class MailAutoconfig
{
    public static void Map(IEndpointRouteBuilder app)
    {
        foreach (string path in new[] { "/.well-known/autoconfig/mail/config-v1.1.xml", "/mail/config-v1.1.xml" })
        {
            app.MapGet(path, (HttpContext context, CarteiroOptions options, MailListeners listeners) =>
                Results.Text(Document(context.Request.Host.Host, options.Domain, listeners.All), "application/xml; charset=utf-8", Encoding.UTF8))
                .ExcludeFromDescription();
        }
    }

    internal static string Document(string host, string domain, IReadOnlyList<MailListener> listeners)
    {
        var text = new StringBuilder();
        using (var xml = XmlWriter.Create(text, new XmlWriterSettings { Indent = true, OmitXmlDeclaration = true }))
        {
            xml.WriteStartElement("clientConfig");
            xml.WriteAttributeString("version", "1.1");
            xml.WriteStartElement("emailProvider");
            xml.WriteAttributeString("id", domain);
            xml.WriteElementString("domain", domain);
            xml.WriteElementString("displayName", $"Carteiro ({domain})");
            xml.WriteElementString("displayShortName", "Carteiro");

            // Most secure first: a client takes the first it can use.
            var ordered = listeners.OrderBy(l => l.Security).ToList();
            foreach (var listener in ordered.Where(l => l.Protocol != "smtp").OrderBy(l => l.Protocol == "imap" ? 0 : 1).ThenBy(l => l.Security))
            {
                Server(xml, "incomingServer", listener, host);
            }

            foreach (var listener in ordered.Where(l => l.Protocol == "smtp"))
            {
                Server(xml, "outgoingServer", listener, host);
            }

            xml.WriteEndElement();
            xml.WriteEndElement();
        }

        return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n" + text + "\n";
    }

    private static void Server(XmlWriter xml, string element, MailListener listener, string host)
    {
        xml.WriteStartElement(element);
        xml.WriteAttributeString("type", listener.Protocol);
        xml.WriteElementString("hostname", host);
        xml.WriteElementString("port", listener.Port.ToString(System.Globalization.CultureInfo.InvariantCulture));
        xml.WriteElementString("socketType", listener.Security switch
        {
            MailSecurity.ImplicitTls => "SSL",
            MailSecurity.StartTls => "STARTTLS",
            _ => "plain",
        });
        xml.WriteElementString("authentication", "password-cleartext");
        xml.WriteElementString("username", "%EMAILLOCALPART%");
        xml.WriteEndElement();
    }
}
