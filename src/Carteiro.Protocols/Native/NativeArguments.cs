using System.Globalization;
using Carteiro.Core.Errors;
using Carteiro.Wire;

namespace Carteiro.Protocols.Native;

/// <summary>Reads a command's arguments in order, refusing with <c>bad-syntax</c> and a clear reason.</summary>
internal struct NativeArguments(Command command)
{
    private int _next;

    public readonly bool HasMore => _next < command.Arguments.Count;

    public readonly Argument Peek() => command.Arguments[_next];

    public Argument Next(string what)
    {
        if (!HasMore)
        {
            Refuse.With(ErrorCode.BadSyntax, $"{command.Verb}: missing {what}");
        }

        return command.Arguments[_next++];
    }

    public string Text(string what) => Next(what).AsText();

    public string? OptionalText() => HasMore ? command.Arguments[_next++].AsText() : null;

    public long Number(string what)
    {
        string text = Text(what);
        if (!long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out long value))
        {
            Refuse.With(ErrorCode.BadSyntax, $"{command.Verb}: {what} must be a whole number, not '{Shorten(text)}'");
        }

        return value;
    }

    public int SmallNumber(string what)
    {
        long value = Number(what);
        return (int)Math.Min(value, int.MaxValue);
    }

    public readonly void End()
    {
        if (HasMore)
        {
            Refuse.With(ErrorCode.BadSyntax, $"{command.Verb}: unexpected argument '{Shorten(command.Arguments[_next].ToString())}'");
        }
    }

    public readonly void Unexpected(Argument argument) =>
        Refuse.With(ErrorCode.BadSyntax, $"{command.Verb}: unexpected argument '{Shorten(argument.ToString())}'");

    private static string Shorten(string text) => text.Length > 40 ? text[..40] + "…" : text;
}
