using System.Buffers;
using Carteiro.Core.Accounts;
using Carteiro.Core.Live;
using Carteiro.Protocols.Common;
using Microsoft.AspNetCore.Connections;
using Microsoft.Extensions.Logging;

namespace Carteiro.Protocols.Imap;

/// <summary>
/// One IMAP connection (RFC 3501 with LITERAL+, SASL-IR, ID, ENABLE, IDLE, NAMESPACE, UIDPLUS,
/// UNSELECT, CHILDREN, SPECIAL-USE, MOVE, CONDSTORE and APPENDLIMIT). A command arrives as lines
/// and literals: each line that ends announcing a literal is followed by exactly that many bytes,
/// taken as data, and the command runs once a line ends without one. Literals are bounded before
/// they are read: a message (APPEND) by the message size limit, anything else by
/// <see cref="MaxOtherLiteral"/>.
/// </summary>
internal sealed partial class ImapSession : TextSession, ISessionSink
{
    /// <summary>RFC 7162 asks servers to take command lines of at least 8,192 octets; long UID sets need more.</summary>
    public const int MaxLine = 64 * 1024;

    /// <summary>The largest literal taken by commands other than APPEND (a password, a search string).</summary>
    public const int MaxOtherLiteral = 64 * 1024;

    private const int MaxLiteralsPerCommand = 64;

    private readonly List<string> _lines = [];
    private readonly List<ReadOnlyMemory<byte>> _literals = [];
    private readonly List<byte[]> _rented = [];
    private byte[]? _literal;
    private int _literalFilled;
    private long _literalLeft;
    private bool _discarding;
    private string? _refusal;
    private long _literalBytes;

    private Account? _account;
    private SelectedFolder? _selected;
    private bool _condStore;
    private bool _joinedHub;

    public ImapSession(ConnectionContext connection, MailDoorServices services, ILogger logger, bool implicitTls)
        : base(connection, services, logger, "IMAP", implicitTls)
    {
    }

    /// <summary>The signed-in account (as <see cref="ISessionSink"/> wants it).</summary>
    public long AccountId => _account?.Id ?? 0;

    public string UserName => _account?.Name ?? "";

    protected override bool SignedIn => _account is not null;

    protected override int MaxLineLength => MaxLine;

    // Clients re-issue IDLE every 29 minutes; the server may not log them out sooner (RFC 3501 section 5.4).
    protected override TimeSpan IdleTimeout => TimeSpan.FromMinutes(31);

    protected override string LineTooLongReply => $"* BAD line too long: the limit is {MaxLine} octets";

    protected override string TooManyErrorsReply => "* BYE too many errors, closing the connection";

    protected override bool ReceivingData => _literalLeft > 0;

    private long MaxAppend => Services.Options.MaxMessageSize;

    protected override void WriteGreeting() =>
        Reply($"* OK [CAPABILITY {Capabilities()}] {Domain} Carteiro IMAP ready");

    protected override string? Farewell(string reason) => reason switch
    {
        "sign-in-timeout" or "idle-timeout" => "* BYE autologout: idle for too long",
        "shutting-down" => "* BYE [UNAVAILABLE] the server is shutting down, try again later",
        _ => null,
    };

    protected override void OnTlsStarted() => ResetCommand();

    protected override Task HandleLineAsync(string line)
    {
        if (_idleTag is not null)
        {
            return EndIdleAsync(line);
        }

        if (_saslTag is not null)
        {
            return ContinueAuthenticateAsync(line);
        }

        if (_lines.Count == 0 && line.Length == 0)
        {
            // Empty lines between commands are noise some clients make; nothing to answer.
            return Task.CompletedTask;
        }

        if (TryLiteralAnnouncement(line, out string text, out long length, out bool synchronizing))
        {
            _lines.Add(text);
            StartLiteral(length, synchronizing);
            return Task.CompletedTask;
        }

        _lines.Add(line);
        return RunCommandAsync();
    }

    // "... {123}" or "... {123+}" (LITERAL+) at the end of a line.
    private static bool TryLiteralAnnouncement(string line, out string text, out long length, out bool synchronizing)
    {
        text = line;
        length = 0;
        synchronizing = true;
        if (!line.EndsWith('}'))
        {
            return false;
        }

        int open = line.LastIndexOf('{');
        if (open < 0)
        {
            return false;
        }

        var digits = line.AsSpan(open + 1, line.Length - open - 2);
        if (digits.EndsWith("+"))
        {
            synchronizing = false;
            digits = digits[..^1];
        }

        if (digits.IsEmpty || digits.Length > 12 || !long.TryParse(digits, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out length))
        {
            return false;
        }

        text = line[..open];
        return true;
    }

    private void StartLiteral(long length, bool synchronizing)
    {
        // Only a signed-in user may hand in a message: before that, no literal is larger than a password.
        long limit = _account is not null && CommandName() == "APPEND" ? MaxAppend : MaxOtherLiteral;
        string? refusal = null;
        if (_literals.Count >= MaxLiteralsPerCommand)
        {
            refusal = $"BAD too many literals in one command: the limit is {MaxLiteralsPerCommand}";
        }
        else if (length > limit || _literalBytes + length > limit)
        {
            refusal = limit == MaxAppend
                ? $"NO [TOOBIG] the message is {length} octets; the limit is {limit}"
                : $"BAD a literal of {length} octets is too long here: the limit is {limit}";
        }

        if (refusal is not null)
        {
            MailDoorLog.LimitExceeded(Logger, Door, Connection.ConnectionId, Remote, "literal-too-large");
            if (synchronizing)
            {
                // The client waits for "+" and sends nothing: the command ends here.
                Tagged(CommandTag(), refusal, error: true);
                ResetCommand();
                return;
            }

            // A LITERAL+ client sends the bytes anyway: they are read and dropped, and the rest of
            // the command with them, before the refusal.
            _refusal ??= refusal;
            _discarding = true;
        }

        if (synchronizing)
        {
            Reply("+ Ready for literal data");
        }

        if (length == 0)
        {
            _literals.Add(ReadOnlyMemory<byte>.Empty);
            return;
        }

        _literalLeft = length;
        _literalFilled = 0;
        if (!_discarding)
        {
            _literalBytes += length;
            _literal = ArrayPool<byte>.Shared.Rent((int)length);
            _rented.Add(_literal);
        }
    }

    protected override bool TryConsumeData(ref ReadOnlySequence<byte> buffer)
    {
        long take = Math.Min(_literalLeft, buffer.Length);
        if (!_discarding)
        {
            buffer.Slice(0, take).CopyTo(_literal.AsSpan(_literalFilled));
            _literalFilled += (int)take;
        }

        _literalLeft -= take;
        buffer = buffer.Slice(take);
        if (_literalLeft > 0)
        {
            return false;
        }

        if (!_discarding)
        {
            _literals.Add(_literal.AsMemory(0, _literalFilled));
        }
        else
        {
            _literals.Add(ReadOnlyMemory<byte>.Empty);
        }

        _literal = null;
        return true;
    }

    private string CommandTag()
    {
        string first = _lines.Count > 0 ? _lines[0] : "";
        int space = first.IndexOf(' ', StringComparison.Ordinal);
        string tag = space < 0 ? first : first[..space];
        return IsValidTag(tag) ? tag : "*";
    }

    // The command's name, looking past UID, from the first line.
    private string CommandName()
    {
        var parts = (_lines.Count > 0 ? _lines[0] : "").Split(' ', 4, StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length < 2)
        {
            return "";
        }

        string name = parts[1].ToUpperInvariant();
        return name == "UID" && parts.Length > 2 ? parts[2].ToUpperInvariant() : name;
    }

    private static bool IsValidTag(string tag)
    {
        if (tag.Length == 0 || tag.Length > 64)
        {
            return false;
        }

        foreach (char c in tag)
        {
            if (c is <= ' ' or > '~' or '(' or ')' or '{' or '%' or '*' or '"' or '\\' or '+')
            {
                return false;
            }
        }

        return true;
    }

    private void ResetCommand()
    {
        _lines.Clear();
        _literals.Clear();
        foreach (var buffer in _rented)
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }

        _rented.Clear();
        _literal = null;
        _literalLeft = 0;
        _literalBytes = 0;
        _discarding = false;
        _refusal = null;
    }

    /// <summary>Writes a tagged answer; a BAD (or a refusal marked as error) counts toward the cap on bad commands.</summary>
    private void Tagged(string tag, string answer, bool error = false)
    {
        if (error)
        {
            Error($"{tag} {answer}");
        }
        else
        {
            Reply($"{tag} {answer}");
        }
    }

    bool ISessionSink.TryPush(ServerEvent serverEvent)
    {
        if (_selected is not { } selected)
        {
            return true;
        }

        string? folder = serverEvent switch
        {
            MailArrived arrived => arrived.Message.Folder,
            MessageChanged changed when changed.FromFolder is not null && string.Equals(changed.FromFolder, selected.Folder, StringComparison.OrdinalIgnoreCase) => changed.FromFolder,
            MessageChanged changed => changed.Message.Folder,
            MessageRemoved removed => removed.Folder,
            _ => null,
        };
        if (folder is not null && string.Equals(folder, selected.Folder, StringComparison.OrdinalIgnoreCase))
        {
            selected.Stale = true;
            if (_idleTag is not null)
            {
                WakeReader();
            }
        }

        return true;
    }

    public override async ValueTask DisposeAsync()
    {
        if (_joinedHub)
        {
            Services.Hub.Unwatch(this);
        }

        ResetCommand();
        await base.DisposeAsync().ConfigureAwait(false);
    }
}
