using Microsoft.Extensions.Logging;

namespace Carteiro.Protocols.Common;

/// <summary>Log events shared by the line-based mail doors (ids 3000–3049). Never logs passwords or message content.</summary>
internal static partial class MailDoorLog
{
    [LoggerMessage(EventId = 3001, Level = LogLevel.Debug, Message = "{Door} connection {ConnectionId} from {Remote} opened")]
    public static partial void Opened(ILogger logger, string door, string connectionId, string remote);

    [LoggerMessage(EventId = 3002, Level = LogLevel.Debug, Message = "{Door} connection {ConnectionId} closed ({Reason})")]
    public static partial void Closed(ILogger logger, string door, string connectionId, string reason);

    [LoggerMessage(EventId = 3003, Level = LogLevel.Information, Message = "{User} signed in over {Door} from {Remote}")]
    public static partial void SignedIn(ILogger logger, string door, string user, string remote);

    [LoggerMessage(EventId = 3004, Level = LogLevel.Warning, Message = "Failed {Door} sign-in for {User} from {Remote}: {Reason}")]
    public static partial void SignInFailed(ILogger logger, string door, string user, string remote, string reason);

    [LoggerMessage(EventId = 3005, Level = LogLevel.Warning, Message = "{Door} connection {ConnectionId} from {Remote} broke a limit: {What}")]
    public static partial void LimitExceeded(ILogger logger, string door, string connectionId, string remote, string what);

    [LoggerMessage(EventId = 3008, Level = LogLevel.Warning, Message = "{Door}: TLS handshake with {Remote} failed: {Reason}")]
    public static partial void TlsFailed(ILogger logger, string door, string remote, string reason);

    [LoggerMessage(EventId = 3009, Level = LogLevel.Warning, Message = "Refused {Door} connection from {Remote}: too many connections from that address")]
    public static partial void TooManyConnections(ILogger logger, string door, string remote);
}
