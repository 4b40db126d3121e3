using Microsoft.Extensions.Logging;

namespace Carteiro.Protocols.Smtp;

/// <summary>The SMTP door's own log events (ids 3050–3069). Never logs message content.</summary>
internal static partial class SmtpLog
{
    [LoggerMessage(EventId = 3050, Level = LogLevel.Information, Message = "{User} submitted message {MessageId} ({Size} bytes, {Recipients} recipients) over SMTP")]
    public static partial void Submitted(this ILogger logger, string user, long messageId, int size, int recipients);

    [LoggerMessage(EventId = 3051, Level = LogLevel.Warning, Message = "SMTP submission by {User} refused: {Code}: {Reason}")]
    public static partial void Refused(this ILogger logger, string user, string code, string reason);

    [LoggerMessage(EventId = 3052, Level = LogLevel.Error, Message = "SMTP submission by {User} failed unexpectedly")]
    public static partial void SubmissionFailed(this ILogger logger, Exception error, string user);
}
