using Carteiro.Core.Errors;

namespace Carteiro.Storage.Sqlite;

/// <summary>
/// What a folder name may be. '/' is the hierarchy delimiter IMAP shows (<c>Archive/2026</c>), so
/// it may only separate parts that hold something: an empty or blank part makes a name that mail
/// programs cannot show or reach.
/// </summary>
internal static class FolderNameRule
{
    public const int MaxLength = 200;

    /// <summary>Returns the name without surrounding white space, or refuses it (<c>bad-syntax</c>).</summary>
    public static string Check(string name)
    {
        if (string.IsNullOrWhiteSpace(name) || name.Length > MaxLength || name.AsSpan().IndexOfAny("\r\n\0") >= 0)
        {
            Refuse.With(ErrorCode.BadSyntax, $"a folder name is 1 to {MaxLength} characters without line breaks");
        }

        string trimmed = name.Trim();
        foreach (string part in trimmed.Split('/'))
        {
            if (string.IsNullOrWhiteSpace(part))
            {
                Refuse.With(ErrorCode.BadSyntax, "'/' in a folder name separates parts, and no part may be empty");
            }
        }

        return trimmed;
    }
}
