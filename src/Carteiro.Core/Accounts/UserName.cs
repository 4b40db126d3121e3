using Carteiro.Core.Errors;

namespace Carteiro.Core.Accounts;

/// <summary>
/// Rules for user names: 1–64 letters, digits, '.', '_' or '-', unique without regard to case,
/// and not one of the reserved names.
/// </summary>
public static class UserName
{
    /// <summary>Longest name.</summary>
    public const int MaxLength = 64;

    /// <summary>The address that reaches every account.</summary>
    public const string Everyone = "everyone";

    private static readonly HashSet<string> Reserved = new(StringComparer.OrdinalIgnoreCase)
    {
        Everyone, "all", "postmaster", "abuse", "root", "admin", "administrator", "hostmaster",
        "webmaster", "mailer-daemon", "noreply", "no-reply", "nobody", "system", "carteiro",
    };

    /// <summary>True when <paramref name="name"/> is reserved and cannot be registered.</summary>
    public static bool IsReserved(string name) => Reserved.Contains(name);

    /// <summary>True when <paramref name="name"/> has a valid shape (it may still be reserved).</summary>
    public static bool IsWellFormed(string? name)
    {
        if (string.IsNullOrEmpty(name) || name.Length > MaxLength)
        {
            return false;
        }

        foreach (char c in name)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-'))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>The case-folded key under which names are unique.</summary>
    public static string Normalize(string name) => name.ToLowerInvariant();

    /// <summary>Throws <see cref="ErrorCode.InvalidName"/> unless a new account may take <paramref name="name"/>.</summary>
    public static void EnsureRegistrable(string? name)
    {
        if (!IsWellFormed(name))
        {
            Refuse.With(ErrorCode.InvalidName, $"a user name is 1 to {MaxLength} letters, digits, '.', '_' or '-'");
        }

        if (IsReserved(name!))
        {
            Refuse.With(ErrorCode.InvalidName, $"the name '{name}' is reserved");
        }
    }
}
