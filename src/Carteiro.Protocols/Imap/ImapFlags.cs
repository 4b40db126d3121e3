using System.Buffers;
using Carteiro.Core.Mailboxes;

namespace Carteiro.Protocols.Imap;

/// <summary>The IMAP system flags (RFC 3501 section 2.3.2) and Carteiro's <see cref="MessageFlags"/>.</summary>
internal static class ImapFlags
{
    /// <summary>Every flag kept for good (keywords are not).</summary>
    public const string Permanent = @"\Answered \Flagged \Deleted \Seen \Draft";

    /// <summary>Writes a flag list: <c>(\Seen \Flagged)</c>.</summary>
    public static void Write(IBufferWriter<byte> writer, MessageFlags flags)
    {
        writer.Byte((byte)'(');
        bool first = true;
        void Add(IBufferWriter<byte> w, ReadOnlySpan<byte> name)
        {
            if (!first)
            {
                w.Byte((byte)' ');
            }

            w.Raw(name);
            first = false;
        }

        if ((flags & MessageFlags.Seen) != 0)
        {
            Add(writer, @"\Seen"u8);
        }

        if ((flags & MessageFlags.Answered) != 0)
        {
            Add(writer, @"\Answered"u8);
        }

        if ((flags & MessageFlags.Flagged) != 0)
        {
            Add(writer, @"\Flagged"u8);
        }

        if ((flags & MessageFlags.Deleted) != 0)
        {
            Add(writer, @"\Deleted"u8);
        }

        if ((flags & MessageFlags.Draft) != 0)
        {
            Add(writer, @"\Draft"u8);
        }

        writer.Byte((byte)')');
    }

    /// <summary>
    /// Reads a flag list or a single flag. Keywords (<c>$Forwarded</c>, <c>$Junk</c>) are not kept:
    /// they are left out, as PERMANENTFLAGS (without <c>\*</c>) tells clients. <c>\Recent</c> may not be set.
    /// </summary>
    public static MessageFlags Read(ImapArguments arguments)
    {
        var flags = MessageFlags.None;
        bool list = arguments.TryTake('(');
        while (true)
        {
            if (list && arguments.TryTake(')'))
            {
                return flags;
            }

            string word = arguments.Word();
            if (word.Length == 0)
            {
                if (list)
                {
                    throw new ImapSyntaxException("a flag list is not closed");
                }

                return flags;
            }

            flags |= Parse(word);
            if (!list)
            {
                return flags;
            }
        }
    }

    private static MessageFlags Parse(string word)
    {
        if (!word.StartsWith('\\'))
        {
            return word.AsSpan().IndexOfAny("\"%*{]") >= 0 ? throw new ImapSyntaxException($"'{ImapArguments.Printable(word)}' is not a flag") : MessageFlags.None;
        }

        return word.ToUpperInvariant() switch
        {
            @"\SEEN" => MessageFlags.Seen,
            @"\ANSWERED" => MessageFlags.Answered,
            @"\FLAGGED" => MessageFlags.Flagged,
            @"\DELETED" => MessageFlags.Deleted,
            @"\DRAFT" => MessageFlags.Draft,
            _ => throw new ImapSyntaxException($"'{ImapArguments.Printable(word)}' is not a flag that can be set"),
        };
    }
}
