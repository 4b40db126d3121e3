using System.Buffers;
using System.Globalization;
using Carteiro.Core.Errors;
using Carteiro.Protocols.Common;

namespace Carteiro.Protocols.Smtp;

internal sealed partial class SmtpSession
{
    private enum Receiving
    {
        Commands,
        Data,
        Chunk,
    }

    private Receiving _receiving;
    private bool _atLineStart = true;
    private bool _tooLarge;
    private long _chunkLeft;
    private bool _lastChunk;
    private bool _chunkFailed;
    private string? _chunkRefusal;

    private long MaxSize => Services.Options.MaxMessageSize;

    protected override bool ReceivingData => _receiving != Receiving.Commands;

    private void Data(string argument)
    {
        if (!_inTransaction)
        {
            Error("503 5.5.1 Need MAIL before DATA");
        }
        else if (_recipients.Count == 0)
        {
            Error("554 5.5.1 No valid recipients");
        }
        else if (argument.Length > 0)
        {
            Error("501 5.5.4 DATA takes no argument");
        }
        else if (_message.Length > 0)
        {
            Error("503 5.5.1 DATA cannot follow BDAT in one message");
        }
        else
        {
            Reply("354 End data with <CR><LF>.<CR><LF>");
            _receiving = Receiving.Data;
            _atLineStart = true;
            _tooLarge = false;
        }
    }

    // BDAT size [LAST] (RFC 3030): exactly size bytes follow the command, whatever the answer.
    private void Chunk(string argument)
    {
        string[] parts = argument.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length is 0 or > 2 || !long.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out long size)
            || (parts.Length == 2 && !string.Equals(parts[1], "LAST", StringComparison.OrdinalIgnoreCase)))
        {
            // The length of what follows is unknown, so the conversation cannot go on.
            Reply("501 5.5.4 Syntax: BDAT size [LAST]; closing, as the data that follows cannot be skipped");
            CloseReason = "bad-bdat";
            return;
        }

        _receiving = Receiving.Chunk;
        _chunkLeft = size;
        _lastChunk = parts.Length == 2;
        _chunkRefusal = !_inTransaction ? "503 5.5.1 Need MAIL before BDAT"
            : _recipients.Count == 0 ? "554 5.5.1 No valid recipients"
            : _chunkFailed ? "503 5.5.1 An earlier chunk of this message failed: send RSET"
            : null;
        if (_chunkRefusal is null && _message.Length + size > MaxSize)
        {
            _tooLarge = true;
        }
    }

    // Takes message bytes off the buffer; true when the message (DATA) or chunk (BDAT) is complete.
    protected override bool TryConsumeData(ref ReadOnlySequence<byte> buffer)
    {
        if (_receiving == Receiving.Chunk)
        {
            long take = Math.Min(_chunkLeft, buffer.Length);
            if (_chunkRefusal is null && !_tooLarge)
            {
                _message.Append(buffer.Slice(0, take));
            }

            buffer = buffer.Slice(take);
            _chunkLeft -= take;
            return _chunkLeft == 0;
        }

        // Only a dot at the start of a line means anything (RFC 5321 section 4.5.2): the end of
        // the data on a line of its own, else a transparency dot to take off. Everything between
        // two such dots is taken in one copy, and what has come of an unfinished line is taken at
        // once, so nothing waits in the pipe and a message of one enormous line costs no more
        // than its size allows.
        var reader = new SequenceReader<byte>(buffer);
        while (!reader.End)
        {
            var span = reader.UnreadSpan;
            if (_atLineStart && span[0] == (byte)'.')
            {
                switch (EndOfDataAt(reader.UnreadSequence))
                {
                    case null:
                        buffer = reader.UnreadSequence;
                        return false; // ".\r" so far: the next byte decides
                    case > 0 and var length:
                        reader.Advance(length);
                        buffer = reader.UnreadSequence;
                        return true;
                    default:
                        reader.Advance(1);
                        _atLineStart = false;
                        continue;
                }
            }

            int dot = span.IndexOf("\n."u8);
            int take = dot >= 0 ? dot + 1 : span.Length;
            Take(span[..take]);
            _atLineStart = span[take - 1] == (byte)'\n';
            reader.Advance(take);
        }

        buffer = reader.UnreadSequence;
        return false;
    }

    private void Take(ReadOnlySpan<byte> bytes)
    {
        if (_tooLarge || _message.Length + bytes.Length > MaxSize)
        {
            _tooLarge = true;
            return;
        }

        _message.Append(bytes);
    }

    // At a line that starts with a dot: the length of the end-of-data line (".\r\n", or ".\n"
    // from a client that ends lines with LF alone) when it is one, 0 when the dot is a
    // transparency dot, null when the bytes so far cannot tell.
    private static int? EndOfDataAt(ReadOnlySequence<byte> buffer)
    {
        Span<byte> head = stackalloc byte[3];
        int known = (int)Math.Min(buffer.Length, 3);
        buffer.Slice(0, known).CopyTo(head);
        if (known >= 2 && head[1] == (byte)'\n')
        {
            return 2;
        }

        if (known >= 2 && head[1] != (byte)'\r')
        {
            return 0;
        }

        if (known < 3)
        {
            return null;
        }

        return head[2] == (byte)'\n' ? 3 : 0;
    }

    protected override async Task FinishDataAsync()
    {
        var receiving = _receiving;
        _receiving = Receiving.Commands;
        if (receiving == Receiving.Chunk && _chunkRefusal is { } refusal)
        {
            _chunkRefusal = null;
            Error(refusal);
            return;
        }

        if (_tooLarge)
        {
            MailDoorLog.LimitExceeded(Logger, Door, Connection.ConnectionId, Remote, "message-too-large");
            Error($"552 5.3.4 Message too big: the limit is {MaxSize} bytes");
            if (receiving == Receiving.Data)
            {
                ResetTransaction();
            }
            else
            {
                _chunkFailed = true;
                _message.Reset();
                _tooLarge = false;
            }

            return;
        }

        if (receiving == Receiving.Chunk && !_lastChunk)
        {
            Reply($"250 2.0.0 {_message.Length} octets received");
            return;
        }

        await SubmitAsync().ConfigureAwait(false);
    }

    private async Task SubmitAsync()
    {
        var account = _account!;
        try
        {
            var receipt = await Services.Mail.SubmitAsync(account, [.. _recipients], _message.Memory, Closing).ConfigureAwait(false);
            Logger.Submitted(account.Name, receipt.MessageId, _message.Length, _recipients.Count);
            Reply($"250 2.0.0 Ok: stored as message {receipt.MessageId}{(receipt.Duplicate ? " (already stored: same Message-ID)" : "")}");
        }
        catch (CarteiroException refused)
        {
            Logger.Refused(account.Name, refused.Code.ToWire(), refused.Message);
            Reply(refused.Code switch
            {
                ErrorCode.MessageTooLarge or ErrorCode.TooManyAttachments => $"552 5.3.4 {refused.Message}",
                ErrorCode.Forbidden => $"550 5.7.1 {refused.Message}",
                ErrorCode.UnknownRecipients or ErrorCode.NoSuchUser => $"550 5.1.1 {refused.Message}",
                ErrorCode.BadSyntax or ErrorCode.SubjectTooLong => $"554 5.6.0 {refused.Message}",
                ErrorCode.NoRecipients => $"554 5.5.1 {refused.Message}",
                ErrorCode.TooManyRecipients => $"452 4.5.3 {refused.Message}",
                ErrorCode.ShuttingDown => "421 4.3.2 Shutting down, try again later",
                _ => $"451 4.3.0 {refused.Message}: try again later",
            });
        }
        catch (Exception error) when (error is not OperationCanceledException)
        {
            // Nothing was acknowledged, so the client keeps the message and tries again.
            Logger.SubmissionFailed(error, account.Name);
            Reply("451 4.3.0 The message could not be stored: try again later");
        }
        finally
        {
            ResetTransaction();
        }
    }
}
