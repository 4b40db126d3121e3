using Microsoft.Extensions.Logging;

namespace Carteiro.Protocols.Smtp;

/// <summary>The SMTP door's log events (ids 3000–3099). Never logs passwords or message content.</summary>
internal static partial class SmtpLog
{
    [LoggerMessage(EventId = 3001, Level = LogLevel.Debug, Message = "SMTP connection {ConnectionId} from {Remote} opened")]
    public static partial void Opened(this ILogger logger, string connectionId, string remote);

    [LoggerMessage(EventId = 3002, Level = LogLevel.Debug, Message = "SMTP connection {ConnectionId} closed ({Reason})")]
    public static partial void Closed(this ILogger logger, string connectionId, string reason);

    [LoggerMessage(EventId = 3003, Level = LogLevel.Information, Message = "{User} signed in over SMTP from {Remote}")]
    public static partial void SignedIn(this ILogger logger, string user, string remote);

    [LoggerMessage(EventId = 3004, Level = LogLevel.Warning, Message = "Failed SMTP sign-in for {User} from {Remote}: {Reason}")]
    public static partial void SignInFailed(this ILogger logger, string user, string remote, string reason);

    [LoggerMessage(EventId = 3005, Level = LogLevel.Warning, Message = "SMTP connection {ConnectionId} from {Remote} broke a limit: {What}")]
    public static partial void LimitExceeded(this ILogger logger, string connectionId, string remote, string what);

    [LoggerMessage(EventId = 3006, Level = LogLevel.Information, Message = "{User} submitted message {MessageId} ({Size} bytes, {Recipients} recipients) over SMTP")]
    public static partial void Submitted(this ILogger logger, string user, long messageId, int size, int recipients);

    [LoggerMessage(EventId = 3007, Level = LogLevel.Warning, Message = "SMTP submission by {User} refused: {Code}: {Reason}")]
    public static partial void Refused(this ILogger logger, string user, string code, string reason);

    [LoggerMessage(EventId = 3008, Level = LogLevel.Warning, Message = "TLS handshake with {Remote} failed: {Reason}")]
    public static partial void TlsFailed(this ILogger logger, string remote, string reason);

    [LoggerMessage(EventId = 3009, Level = LogLevel.Warning, Message = "Refused SMTP connection from {Remote}: too many connections from that address")]
    public static partial void TooManyConnections(this ILogger logger, string remote);

    [LoggerMessage(EventId = 3010, Level = LogLevel.Error, Message = "SMTP command {Verb} failed on connection {ConnectionId}")]
    public static partial void CommandFailed(this ILogger logger, Exception error, string verb, string connectionId);
}
