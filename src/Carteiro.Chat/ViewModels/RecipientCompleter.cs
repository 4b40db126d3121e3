using Carteiro.Client;

namespace Carteiro.Chat.ViewModels;

/// <summary>What completing a recipients field gave: the new text and the names that matched.</summary>
internal sealed record Completion(string Text, IReadOnlyList<string> Candidates);

/// <summary>
/// Completes the last name of a recipients field ("bob, ca" → "bob, carol, ") from the server's
/// account names (USERS prefix), as a shell completes file names: a single match is filled in, several
/// are filled up to what they share and listed.
/// </summary>
internal sealed class RecipientCompleter(CarteiroClient client)
{
    public async Task<Completion> CompleteAsync(string field, CancellationToken cancellationToken = default)
    {
        int start = field.LastIndexOfAny([',', ';', ' ']) + 1;
        string head = field[..start];
        string prefix = field[start..];
        var names = await client.UsersAsync(prefix, 20, cancellationToken);
        if (names.Count == 0)
        {
            return new Completion(field, []);
        }

        if (names.Count == 1)
        {
            return new Completion(Joined(head, names[0]) + ", ", names);
        }

        string shared = names.Aggregate(SharedPrefix);
        return new Completion(shared.Length > prefix.Length ? Joined(head, shared) : field, names);
    }

    // Keeps what was typed before the word, with a space after a comma.
    private static string Joined(string head, string name) =>
        (head.EndsWith(',') || head.EndsWith(';') ? head + " " : head) + name;

    private static string SharedPrefix(string a, string b)
    {
        int n = 0;
        while (n < a.Length && n < b.Length && char.ToLowerInvariant(a[n]) == char.ToLowerInvariant(b[n]))
        {
            n++;
        }

        return a[..n];
    }
}
