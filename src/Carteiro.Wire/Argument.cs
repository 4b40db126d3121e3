using System.Text;

namespace Carteiro.Wire;

/// <summary>How an argument was written on the wire.</summary>
public enum ArgumentKind
{
    Atom,
    Quoted,
    Literal,
}

/// <summary>One argument of a command: an atom, a quoted string or a byte-counted literal.</summary>
public readonly record struct Argument(ArgumentKind Kind, string? Text, ReadOnlyMemory<byte> Bytes)
{
    /// <summary>The argument as text; literals are decoded as UTF-8.</summary>
    public string AsText() => Text ?? Encoding.UTF8.GetString(Bytes.Span);

    /// <summary>True when the argument is an atom equal to <paramref name="keyword"/>, ignoring case.</summary>
    public bool Is(string keyword) => Kind == ArgumentKind.Atom && string.Equals(Text, keyword, StringComparison.OrdinalIgnoreCase);

    /// <inheritdoc />
    public override string ToString() => Kind == ArgumentKind.Literal ? $"{{{Bytes.Length}}}" : Text ?? "";
}
