namespace Carteiro.Client;

/// <summary>A data line that came before a tagged reply: <c>* TYPE json</c> or <c>* TYPE args {N}</c> with bytes.</summary>
internal readonly record struct DataLine(string Type, string Text, byte[]? Bytes);

/// <summary>A tagged <c>OK</c> with its result JSON (or empty) and the data lines that preceded it.</summary>
internal sealed record ServerReply(string Json, IReadOnlyList<DataLine> Data);
