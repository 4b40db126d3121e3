using System.Text.Json;

namespace Carteiro.Benchmarks.Store;

/// <summary>
/// What a finished seed left in a data folder (<c>bench-seed.json</c> beside the database; the
/// server ignores it): written only after the seed completed and checked out, so its presence with
/// the wanted size and corpus version means the folder can be reused as it is.
/// </summary>
internal sealed record SeedRecord(int Messages, int Corpus, long Pending, double Seconds, double PerSecond, long Bytes,
    IReadOnlyDictionary<string, long> Hits, DateTimeOffset Finished)
{
    public const string FileName = "bench-seed.json";

    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.CamelCase };

    public static SeedRecord? Read(string dataPath)
    {
        string file = Path.Combine(dataPath, FileName);
        return File.Exists(file) ? JsonSerializer.Deserialize<SeedRecord>(File.ReadAllText(file), Json) : null;
    }

    public static void Write(string dataPath, SeedRecord record) =>
        File.WriteAllText(Path.Combine(dataPath, FileName), JsonSerializer.Serialize(record, Json));
}
