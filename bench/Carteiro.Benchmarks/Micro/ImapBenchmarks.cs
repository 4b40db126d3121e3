using System.Buffers;
using System.Text;
using BenchmarkDotNet.Attributes;
using Carteiro.Protocols.Imap;

namespace Carteiro.Benchmarks.Micro;

/// <summary>
/// The IMAP door's per-message work: ENVELOPE and BODYSTRUCTURE from a stored document (what
/// <c>FETCH 1:*</c> does for every message), and reading a FETCH command's arguments.
/// </summary>
[MemoryDiagnoser]
public class ImapBenchmarks
{
    private readonly ArrayBufferWriter<byte> _output = new(64 * 1024);
    private byte[] _plain = [];
    private byte[] _multipart = [];
    private string[] _fetchLine = [];

    [GlobalSetup]
    public void Setup()
    {
        string body = string.Concat(Enumerable.Repeat("The quick brown fox jumps over the lazy dog.\r\n", 22));
        _plain = Encoding.ASCII.GetBytes(
            "From: Alice Example <alice@localhost>\r\nTo: bob@localhost, \"Carol C.\" <carol@localhost>\r\nCc: dave@localhost\r\n"
            + "Subject: =?UTF-8?Q?Ol=C3=A1?= about the meeting\r\nDate: Wed, 25 Nov 2026 10:00:00 +0000\r\n"
            + "Message-ID: <m-1@localhost>\r\nIn-Reply-To: <m-0@localhost>\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n" + body);
        _multipart = Encoding.ASCII.GetBytes(
            "From: alice@localhost\r\nTo: bob@localhost\r\nSubject: with attachment\r\nMIME-Version: 1.0\r\n"
            + "Content-Type: multipart/mixed; boundary=\"b1\"\r\n\r\n--b1\r\nContent-Type: multipart/alternative; boundary=\"b2\"\r\n\r\n"
            + "--b2\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n" + body + "--b2\r\nContent-Type: text/html; charset=utf-8\r\n\r\n<p>" + body + "</p>\r\n--b2--\r\n"
            + "--b1\r\nContent-Type: application/pdf; name=\"a.pdf\"\r\nContent-Disposition: attachment; filename=\"a.pdf\"\r\nContent-Transfer-Encoding: base64\r\n\r\n"
            + Convert.ToBase64String(new byte[3000], Base64FormattingOptions.InsertLineBreaks) + "\r\n--b1--\r\n");
        _fetchLine = ["a1 UID FETCH 1:* (UID RFC822.SIZE FLAGS BODY.PEEK[HEADER.FIELDS (From To Cc Subject Date Message-ID References)])"];
    }

    [Benchmark]
    public int Envelope1KiB()
    {
        _output.ResetWrittenCount();
        ImapEnvelope.Write(_output, _plain);
        return _output.WrittenCount;
    }

    [Benchmark]
    public int BodyStructureMultipart()
    {
        _output.ResetWrittenCount();
        ImapDocument.Parse(_multipart).WriteBodyStructure(_output, extended: true);
        return _output.WrittenCount;
    }

    [Benchmark]
    public int ParseFetchCommand()
    {
        var arguments = new ImapArguments(_fetchLine, []);
        arguments.Word();
        arguments.Word();
        arguments.Word();
        SequenceSet.Parse(arguments.RequiredWord("a sequence set"));
        return FetchRequest.Parse(arguments).Items.Count;
    }
}
