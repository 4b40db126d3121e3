using Microsoft.Extensions.Logging;

namespace Carteiro.Protocols.Native;

/// <summary>The native door's log events (ids 2000–2099). Never logs passwords, tokens or bodies.</summary>
internal static partial class NativeLog
{
    [LoggerMessage(EventId = 2001, Level = LogLevel.Debug, Message = "Connection {ConnectionId} from {Remote} opened")]
    public static partial void Opened(this ILogger logger, long connectionId, System.Net.IPEndPoint? remote);

    [LoggerMessage(EventId = 2002, Level = LogLevel.Debug, Message = "Connection {ConnectionId} closed ({Reason})")]
    public static partial void Closed(this ILogger logger, long connectionId, string reason);

    [LoggerMessage(EventId = 2003, Level = LogLevel.Information, Message = "{User} signed in from {Remote}")]
    public static partial void SignedIn(this ILogger logger, string user, System.Net.IPEndPoint? remote);

    [LoggerMessage(EventId = 2004, Level = LogLevel.Warning, Message = "Failed sign-in for {User} from {Remote}: {Reason}")]
    public static partial void SignInFailed(this ILogger logger, string user, System.Net.IPEndPoint? remote, string reason);

    [LoggerMessage(EventId = 2005, Level = LogLevel.Warning, Message = "Connection {ConnectionId} from {Remote} broke a limit: {Code}")]
    public static partial void LimitExceeded(this ILogger logger, long connectionId, System.Net.IPEndPoint? remote, string code);

    [LoggerMessage(EventId = 2006, Level = LogLevel.Warning, Message = "Connection {ConnectionId} from {Remote} closed: {Reason}")]
    public static partial void Dropped(this ILogger logger, long connectionId, System.Net.IPEndPoint? remote, string reason);

    [LoggerMessage(EventId = 2007, Level = LogLevel.Error, Message = "Command {Verb} failed on connection {ConnectionId}")]
    public static partial void CommandFailed(this ILogger logger, Exception error, string verb, long connectionId);

    [LoggerMessage(EventId = 2009, Level = LogLevel.Warning, Message = "Could not accept a connection: {Error}")]
    public static partial void AcceptFailed(this ILogger logger, string error);

    [LoggerMessage(EventId = 2008, Level = LogLevel.Warning, Message = "Refused connection from {Remote}: too many connections from that address")]
    public static partial void TooManyConnections(this ILogger logger, string remote);
}
