namespace Carteiro.Web.Api;

/// <summary>A user name and password (sign in, register).</summary>
public sealed record CredentialsRequest(string? User, string? Password);

/// <summary>Asks for a token for scripts.</summary>
public sealed record TokenRequest(string? Label);

/// <summary>Changes the signed-in user's password.</summary>
public sealed record PasswordRequest(string? OldPassword, string? NewPassword);

/// <summary>A message to send. Attachment contents are base64 in JSON.</summary>
public sealed record SendRequest(
    IReadOnlyList<string>? To,
    IReadOnlyList<string>? Cc,
    IReadOnlyList<string>? Bcc,
    bool Everyone,
    string? Subject,
    string? Body,
    long? ReplyTo,
    string? ClientId,
    IReadOnlyList<AttachmentRequest>? Attachments);

/// <summary>One file to attach.</summary>
public sealed record AttachmentRequest(string? Name, string? Type, byte[]? Content);

/// <summary>Flag changes; a missing field leaves that flag as it is.</summary>
public sealed record FlagsRequest(bool? Seen, bool? Flagged);

/// <summary>Where to move a message.</summary>
public sealed record MoveRequest(string? Folder);
