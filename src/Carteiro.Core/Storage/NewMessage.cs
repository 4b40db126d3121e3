using Carteiro.Core.Accounts;
using Carteiro.Core.Messages;

namespace Carteiro.Core.Storage;

/// <summary>A message ready to store: validated, with its MIME document built.</summary>
public sealed record NewMessage(
    Account Sender,
    string? ClientId,
    DateTimeOffset Date,
    IReadOnlyList<string> To,
    IReadOnlyList<string> Cc,
    IReadOnlyList<string> Bcc,
    bool ToEveryone,
    string Subject,
    MessageText Body,
    IReadOnlyList<AttachmentInfo> Attachments,
    long? InReplyTo,
    long? ThreadId,
    string MessageIdHeader,
    ReadOnlyMemory<byte> Mime);
