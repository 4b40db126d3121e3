using System.Buffers;
using System.Text;
using Carteiro.Protocols.Imap;

namespace Carteiro.Protocols.Tests.Imap;

/// <summary>What the IMAP writers put on the wire, as text to compare with expected strings.</summary>
internal static class Written
{
    public static string Of(Action<IBufferWriter<byte>> write)
    {
        var buffer = new ArrayBufferWriter<byte>();
        write(buffer);
        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    public static string Envelope(byte[] document) => Of(w => ImapEnvelope.Write(w, document));

    /// <summary>The envelope of a header given with \n line ends (made CRLF) and an empty body.</summary>
    public static string EnvelopeOf(string header) => Envelope(ImapFixtures.Crlf(header + "\n\nbody\n"));

    public static string Body(byte[] document) => Of(w => ImapDocument.Parse(document).WriteBodyStructure(w, extended: false));

    public static string BodyStructure(byte[] document) => Of(w => ImapDocument.Parse(document).WriteBodyStructure(w, extended: true));

    /// <summary>The section's bytes as text, or null when the document has no such section.</summary>
    public static string? Section(byte[] document, string spec)
    {
        Assert.True(BodySection.TryParse(spec, out var section, out string error), error);
        return ImapDocument.Parse(document).TryGetSection(section, out var bytes) ? Encoding.UTF8.GetString(bytes.Span) : null;
    }
}
