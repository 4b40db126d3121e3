using Microsoft.Extensions.Logging;

namespace Carteiro.Protocols.Imap;

/// <summary>IMAP log events (ids 3100–3119). Never logs passwords or message content.</summary>
internal static partial class ImapLog
{
    [LoggerMessage(EventId = 3101, Level = LogLevel.Error, Message = "IMAP {Command} from {User} failed unexpectedly")]
    public static partial void CommandFailed(ILogger logger, string command, string user, Exception error);
}
