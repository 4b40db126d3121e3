using System.Text.Json;

namespace Carteiro.IntegrationTests.Support;

/// <summary>Reads the JSON objects carried by protocol lines.</summary>
internal static class Json
{
    /// <summary>Parses <paramref name="text"/> into a detached element.</summary>
    public static JsonElement Parse(string text)
    {
        using var document = JsonDocument.Parse(text);
        return document.RootElement.Clone();
    }

    /// <summary>Parses the JSON after <paramref name="prefix"/> (such as <c>* MAIL </c>).</summary>
    public static JsonElement After(string line, string prefix)
    {
        Assert.StartsWith(prefix, line, StringComparison.Ordinal);
        return Parse(line[prefix.Length..]);
    }

    public static long Long(this JsonElement element, string name) => element.GetProperty(name).GetInt64();

    public static string Str(this JsonElement element, string name) => element.GetProperty(name).GetString()!;

    public static bool Bool(this JsonElement element, string name) => element.GetProperty(name).GetBoolean();

    public static string[] Strings(this JsonElement element, string name) =>
        [.. element.GetProperty(name).EnumerateArray().Select(e => e.GetString()!)];

    public static string[] Flags(this JsonElement summary) => summary.Strings("flags");

    /// <summary>Quotes <paramref name="text"/> as a protocol quoted string.</summary>
    public static string Quote(string text) => "\"" + text.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal) + "\"";
}
