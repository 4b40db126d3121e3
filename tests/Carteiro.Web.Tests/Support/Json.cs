using System.Text.Json;

namespace Carteiro.Web.Tests.Support;

/// <summary>Short, strict accessors for JSON answers: a missing or mistyped field fails the test.</summary>
public static class Json
{
    public static JsonElement Prop(this JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) ? value : throw new Xunit.Sdk.XunitException($"no '{name}' in {element}");

    public static string Str(this JsonElement element, string name) =>
        element.Prop(name).GetString() ?? throw new Xunit.Sdk.XunitException($"'{name}' is null in {element}");

    public static string? StrOrNull(this JsonElement element, string name) => element.Prop(name).GetString();

    public static long Long(this JsonElement element, string name) => element.Prop(name).GetInt64();

    public static long? LongOrNull(this JsonElement element, string name) =>
        element.Prop(name).ValueKind == JsonValueKind.Null ? null : element.Prop(name).GetInt64();

    public static bool Bool(this JsonElement element, string name) => element.Prop(name).GetBoolean();

    public static IReadOnlyList<string> Strings(this JsonElement element, string name) =>
        [.. element.Prop(name).EnumerateArray().Select(e => e.GetString()!)];

    public static IReadOnlyList<string> Strings(this JsonElement element) => [.. element.EnumerateArray().Select(e => e.GetString()!)];

    public static IReadOnlyList<JsonElement> Items(this JsonElement element, string name = "items") => [.. element.Prop(name).EnumerateArray()];

    public static IReadOnlyList<string> Flags(this JsonElement summary) => summary.Strings("flags");
}
