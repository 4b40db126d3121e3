using System.Text;

namespace Carteiro.Cli;

/// <summary>Reads a secret from the terminal without echoing it.</summary>
public static class Prompt
{
    /// <summary>Prints <paramref name="label"/> on stderr and reads a line without echo.</summary>
    public static string ReadSecret(string label)
    {
        Console.Error.Write(label);
        var secret = new StringBuilder();
        while (true)
        {
            var key = Console.ReadKey(intercept: true);
            if (key.Key == ConsoleKey.Enter)
            {
                break;
            }

            if (key.Key == ConsoleKey.Backspace)
            {
                if (secret.Length > 0)
                {
                    secret.Length--;
                }

                continue;
            }

            if (!char.IsControl(key.KeyChar))
            {
                secret.Append(key.KeyChar);
            }
        }

        Console.Error.WriteLine();
        return secret.ToString();
    }
}
