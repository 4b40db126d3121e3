namespace Carteiro.Protocols.Common;

/// <summary>What a client sent, made safe to echo in one reply line: printable ASCII only, cut short.</summary>
internal static class Echo
{
    public static string Printable(string text, int most)
    {
        var clean = new System.Text.StringBuilder(Math.Min(text.Length, most));
        foreach (char c in text.AsSpan(0, Math.Min(text.Length, most)))
        {
            clean.Append(c is >= ' ' and <= '~' ? c : '?');
        }

        return text.Length > most ? clean.Append("...").ToString() : clean.ToString();
    }
}
