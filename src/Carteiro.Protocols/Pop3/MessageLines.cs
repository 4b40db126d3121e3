using System.Buffers;
using System.IO.Pipelines;

namespace Carteiro.Protocols.Pop3;

/// <summary>Writes a stored document as a POP3 multi-line answer: lines that start with a dot get another (RFC 1939 section 3).</summary>
internal static class MessageLines
{
    private const int FlushEvery = 64 * 1024;

    /// <summary>
    /// Writes <paramref name="document"/>, or (TOP) its header, the blank line and the first
    /// <paramref name="bodyLines"/> lines of its body; the last line always ends with CRLF. The
    /// terminating dot is the caller's.
    /// </summary>
    public static async Task WriteDotStuffedAsync(PipeWriter output, ReadOnlyMemory<byte> document, int bodyLines, CancellationToken cancellationToken)
    {
        bool inBody = false;
        int bodyLinesWritten = 0;
        int unflushed = 0;
        while (!document.IsEmpty && !(inBody && bodyLinesWritten >= bodyLines))
        {
            int end = document.Span.IndexOf((byte)'\n');
            var line = end < 0 ? document : document[..(end + 1)];
            document = document[line.Length..];
            if (line.Span[0] == (byte)'.')
            {
                output.Write("."u8);
            }

            output.Write(line.Span);
            if (end < 0)
            {
                output.Write("\r\n"u8);
            }

            if (inBody)
            {
                bodyLinesWritten++;
            }
            else if (line.Span is [(byte)'\n'] or [(byte)'\r', (byte)'\n'])
            {
                inBody = true;
            }

            unflushed += line.Length;
            if (unflushed >= FlushEvery)
            {
                // A large message goes out as it is written, not gathered whole in the pipe.
                await output.FlushAsync(cancellationToken).ConfigureAwait(false);
                unflushed = 0;
            }
        }
    }
}
