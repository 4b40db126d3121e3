using System.Globalization;
using System.Text.Json;

namespace Carteiro.Benchmarks.BigStore;

/// <summary>
/// <c>big-store --data DIR [--messages 1000000] [--runs 3] [--repeat 20] [--cold true] [--server-cwd DIR] [--root-start true] [--json FILE]</c>:
/// measures a data folder that <c>seed --data DIR --messages N</c> filled (see <see cref="BigStoreBench"/>).
/// </summary>
internal static class BigStoreCommand
{
    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.CamelCase };

    public static async Task<int> RunAsync(IReadOnlyDictionary<string, string> options)
    {
        int Number(string name, int fallback, int max) =>
            Math.Clamp(options.TryGetValue(name, out string? value) ? int.Parse(value, CultureInfo.InvariantCulture) : fallback, 1, max);
        var settings = new BigStoreBench.Settings(
            options.GetValueOrDefault("server-dll", Path.Combine(AppContext.BaseDirectory, "carteiro.dll")),
            options.TryGetValue("data", out string? data) ? data : throw new ArgumentException("big-store needs --data DIR (filled by seed)"),
            Number("messages", 1_000_000, 10_000_000), Number("runs", 3, 20), Number("repeat", 20, 1000),
            !options.TryGetValue("cold", out string? cold) || bool.Parse(cold),
            Path.GetFullPath(options.GetValueOrDefault("server-cwd", data)),
            !options.TryGetValue("root-start", out string? root) || bool.Parse(root));
        var result = await BigStoreBench.RunAsync(settings);
        Console.WriteLine();
        Console.WriteLine(BigStoreReport.Describe(result));
        if (options.TryGetValue("json", out string? file))
        {
            await File.WriteAllTextAsync(file, JsonSerializer.Serialize(result, Json));
        }

        return 0;
    }
}
