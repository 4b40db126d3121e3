namespace Carteiro.Core.Messages;

/// <summary>An attachment as listed: name, MIME type and decoded size.</summary>
public sealed record AttachmentInfo(string FileName, string ContentType, long Size);

/// <summary>An attachment with its bytes, sent or read.</summary>
public sealed record Attachment(string FileName, string ContentType, ReadOnlyMemory<byte> Content);
