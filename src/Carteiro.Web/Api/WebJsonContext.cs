using System.Text.Json;
using System.Text.Json.Serialization;

namespace Carteiro.Web.Api;

/// <summary>Source-generated JSON for every shape the HTTP door reads or writes: no reflection at run time.</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, DefaultIgnoreCondition = JsonIgnoreCondition.Never)]
[JsonSerializable(typeof(CredentialsRequest))]
[JsonSerializable(typeof(TokenRequest))]
[JsonSerializable(typeof(PasswordRequest))]
[JsonSerializable(typeof(SendRequest))]
[JsonSerializable(typeof(FlagsRequest))]
[JsonSerializable(typeof(MoveRequest))]
[JsonSerializable(typeof(SessionResponse))]
[JsonSerializable(typeof(TokenResponse))]
[JsonSerializable(typeof(ServerResponse))]
[JsonSerializable(typeof(FolderResponse))]
[JsonSerializable(typeof(IReadOnlyList<FolderResponse>))]
[JsonSerializable(typeof(SummaryResponse))]
[JsonSerializable(typeof(MessageResponse))]
[JsonSerializable(typeof(PageResponse))]
[JsonSerializable(typeof(SearchResponse))]
[JsonSerializable(typeof(SendResponse))]
[JsonSerializable(typeof(DeleteResponse))]
[JsonSerializable(typeof(IReadOnlyList<OnlineResponse>))]
[JsonSerializable(typeof(IReadOnlyList<string>))]
[JsonSerializable(typeof(RemovedEventData))]
[JsonSerializable(typeof(PresenceEventData))]
[JsonSerializable(typeof(HelloEventData))]
[JsonSerializable(typeof(ByeEventData))]
[JsonSerializable(typeof(Microsoft.AspNetCore.Mvc.ProblemDetails))]
public sealed partial class WebJsonContext : JsonSerializerContext;
