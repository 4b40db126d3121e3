using System.Text;

namespace Carteiro.Core.Messages;

/// <summary>Makes the one-line preview shown in message lists.</summary>
public static class Snippet
{
    /// <summary>Length of a snippet, in characters.</summary>
    public const int Length = 140;

    /// <summary>The start of <paramref name="body"/> with runs of white space folded to one space.</summary>
    public static string Of(string body)
    {
        var builder = new StringBuilder(Math.Min(body.Length, Length));
        bool space = false;
        foreach (char c in body)
        {
            if (char.IsWhiteSpace(c))
            {
                space = builder.Length > 0;
                continue;
            }

            // Room for the folded space and this character, or stop: no trailing space, never too long.
            if (builder.Length + (space ? 2 : 1) > Length)
            {
                break;
            }

            if (space)
            {
                builder.Append(' ');
                space = false;
            }

            builder.Append(c);
        }

        return builder.ToString();
    }
}
