using System.Globalization;
using System.Text;

namespace Carteiro.Storage.Sqlite;

/// <summary>
/// Turns what a person types into an FTS5 query. Every word must match (the terms are ANDed); a
/// trailing '*' matches a prefix. The index keeps no word positions (migration 0008), so FTS5
/// refuses a phrase of more than one token: a typed word that its tokenizer would cut in pieces
/// ("e-mail", "bob.smith", "l'été") becomes those pieces, each a term of its own. Each term is
/// quoted, so FTS syntax characters in what was typed are inert.
/// </summary>
internal static class SearchTerms
{
    /// <summary>The query for <paramref name="text"/>; empty when it holds no word.</summary>
    /// <param name="text">What was typed.</param>
    /// <param name="cautious">
    /// Cut words at combining marks as well: for a retry when the index's tokenizer still found
    /// two tokens in one term. It keeps only the marks it folds away (most accents) inside a
    /// token; the rest separate tokens.
    /// </param>
    public static string ToFtsQuery(string text, bool cautious = false)
    {
        var query = new StringBuilder();
        foreach (string word in text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries))
        {
            bool prefix = word.EndsWith('*');
            var pieces = Pieces(word, cautious);
            for (int i = 0; i < pieces.Count; i++)
            {
                if (query.Length > 0)
                {
                    query.Append(' ');
                }

                // A piece holds token characters only, so no quote needs doubling.
                query.Append('"').Append(pieces[i]).Append('"');
                if (prefix && i == pieces.Count - 1)
                {
                    query.Append('*');
                }
            }
        }

        return query.ToString();
    }

    // The runs of token characters in a word, as the unicode61 tokenizer reads them: letters,
    // numbers and private-use characters, and (unless cautious) combining marks, since it folds
    // the common accents away when they follow a letter unprecomposed.
    private static List<string> Pieces(string word, bool cautious)
    {
        var pieces = new List<string>();
        int at = 0;
        int pieceStart = -1;
        foreach (var rune in word.EnumerateRunes())
        {
            if (IsTokenCharacter(rune, cautious))
            {
                pieceStart = pieceStart < 0 ? at : pieceStart;
            }
            else if (pieceStart >= 0)
            {
                pieces.Add(word[pieceStart..at]);
                pieceStart = -1;
            }

            at += rune.Utf16SequenceLength;
        }

        if (pieceStart >= 0)
        {
            pieces.Add(word[pieceStart..]);
        }

        return pieces;
    }

    private static bool IsTokenCharacter(Rune rune, bool cautious) => Rune.GetUnicodeCategory(rune) switch
    {
        UnicodeCategory.UppercaseLetter or UnicodeCategory.LowercaseLetter or UnicodeCategory.TitlecaseLetter
            or UnicodeCategory.ModifierLetter or UnicodeCategory.OtherLetter => !WasAMarkInUnicode61(rune.Value),
        UnicodeCategory.DecimalDigitNumber or UnicodeCategory.LetterNumber or UnicodeCategory.OtherNumber => true,
        UnicodeCategory.PrivateUse => true,
        UnicodeCategory.NonSpacingMark or UnicodeCategory.SpacingCombiningMark or UnicodeCategory.EnclosingMark => !cautious,
        _ => false,
    };

    // The tokenizer classifies by Unicode 6.1, where these were vowel signs and tone marks (New
    // Tai Lue, Vedic) and so separators; Unicode has since made them letters.
    private static bool WasAMarkInUnicode61(int codePoint) =>
        codePoint is (>= 0x19B0 and <= 0x19C0) or 0x19C8 or 0x19C9 or 0x1CF2 or 0x1CF3;
}
