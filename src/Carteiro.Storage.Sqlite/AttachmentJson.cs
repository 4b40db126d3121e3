using System.Text.Json;
using System.Text.Json.Serialization;
using Carteiro.Core.Messages;

namespace Carteiro.Storage.Sqlite;

/// <summary>The attachment list kept beside each message, as JSON.</summary>
internal static class AttachmentJson
{
    public static string Write(IReadOnlyList<AttachmentInfo> attachments) =>
        attachments.Count == 0 ? "" : JsonSerializer.Serialize(attachments.ToList(), AttachmentJsonContext.Default.ListAttachmentInfo);

    public static IReadOnlyList<AttachmentInfo> Read(string json) =>
        json.Length == 0 ? [] : JsonSerializer.Deserialize(json, AttachmentJsonContext.Default.ListAttachmentInfo) ?? [];
}

[JsonSerializable(typeof(List<AttachmentInfo>))]
internal sealed partial class AttachmentJsonContext : JsonSerializerContext;
