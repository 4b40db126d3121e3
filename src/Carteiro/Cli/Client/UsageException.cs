namespace Carteiro.Cli.Client;

/// <summary>The command line is wrong or incomplete: exit code 2.</summary>
internal sealed class UsageException(string message) : Exception(message);
