namespace Carteiro.Core.Errors;

/// <summary>Why a request was refused. Each value has a stable wire code (see <see cref="ErrorCodes"/>).</summary>
public enum ErrorCode
{
    BadSyntax,
    UnknownCommand,
    NotSignedIn,
    AlreadySignedIn,
    AuthFailed,
    Throttled,
    RegistrationClosed,
    NameTaken,
    InvalidName,
    InvalidPassword,
    UnknownRecipients,
    NoRecipients,
    TooManyRecipients,
    Forbidden,
    NoSuchMessage,
    NoSuchFolder,
    NoSuchUser,
    MessageTooLarge,
    SubjectTooLong,
    TooManyAttachments,
    LineTooLong,
    PayloadTooLarge,
    TooManyInFlight,
    Timeout,
    ShuttingDown,
    Internal,
}

/// <summary>The wire spelling of <see cref="ErrorCode"/>, shared by every door.</summary>
public static class ErrorCodes
{
    /// <summary>Returns the lower-case, hyphenated code, such as <c>unknown-recipient</c>.</summary>
    public static string ToWire(this ErrorCode code) => code switch
    {
        ErrorCode.BadSyntax => "bad-syntax",
        ErrorCode.UnknownCommand => "unknown-command",
        ErrorCode.NotSignedIn => "not-signed-in",
        ErrorCode.AlreadySignedIn => "already-signed-in",
        ErrorCode.AuthFailed => "auth-failed",
        ErrorCode.Throttled => "too-many-attempts",
        ErrorCode.RegistrationClosed => "registration-closed",
        ErrorCode.NameTaken => "name-taken",
        ErrorCode.InvalidName => "invalid-name",
        ErrorCode.InvalidPassword => "invalid-password",
        ErrorCode.UnknownRecipients => "unknown-recipient",
        ErrorCode.NoRecipients => "no-recipients",
        ErrorCode.TooManyRecipients => "too-many-recipients",
        ErrorCode.Forbidden => "forbidden",
        ErrorCode.NoSuchMessage => "no-such-message",
        ErrorCode.NoSuchFolder => "no-such-folder",
        ErrorCode.NoSuchUser => "no-such-user",
        ErrorCode.MessageTooLarge => "message-too-large",
        ErrorCode.SubjectTooLong => "subject-too-long",
        ErrorCode.TooManyAttachments => "too-many-attachments",
        ErrorCode.LineTooLong => "line-too-long",
        ErrorCode.PayloadTooLarge => "payload-too-large",
        ErrorCode.TooManyInFlight => "too-many-in-flight",
        ErrorCode.Timeout => "timeout",
        ErrorCode.ShuttingDown => "shutting-down",
        _ => "internal-error",
    };

    /// <summary>Parses a wire code back; unknown codes become <see cref="ErrorCode.Internal"/>.</summary>
    public static ErrorCode FromWire(string code)
    {
        foreach (var value in Enum.GetValues<ErrorCode>())
        {
            if (value.ToWire() == code)
            {
                return value;
            }
        }

        return ErrorCode.Internal;
    }
}
