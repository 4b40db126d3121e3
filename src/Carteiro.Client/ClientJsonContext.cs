using System.Text.Json.Serialization;

namespace Carteiro.Client;

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, PropertyNameCaseInsensitive = true)]
[JsonSerializable(typeof(ServerHello))]
[JsonSerializable(typeof(SessionInfo))]
[JsonSerializable(typeof(SendResult))]
[JsonSerializable(typeof(MailSummary))]
[JsonSerializable(typeof(FolderView))]
[JsonSerializable(typeof(OnlineUser))]
[JsonSerializable(typeof(DeleteResult))]
[JsonSerializable(typeof(WireAttachment))]
[JsonSerializable(typeof(WireMessage))]
[JsonSerializable(typeof(WireListResult))]
[JsonSerializable(typeof(WireToken))]
[JsonSerializable(typeof(WireName))]
[JsonSerializable(typeof(WireRemoved))]
[JsonSerializable(typeof(WirePresence))]
[JsonSerializable(typeof(WireBye))]
internal sealed partial class ClientJsonContext : JsonSerializerContext;

internal sealed record WireAttachment(string Name, string Type, long Size);

internal sealed record WireMessage(string MessageId, IReadOnlyList<WireAttachment> Attachments);

internal sealed record WireListResult(string Folder, int Total, int Unread, int Count);

internal sealed record WireToken(string Token);

internal sealed record WireName(string Name);

internal sealed record WireRemoved(long Id, string Folder, long Uid);

internal sealed record WirePresence(string User, bool Online);

internal sealed record WireBye(string Reason, string? Message);
