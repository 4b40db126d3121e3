namespace Carteiro.Cli;

/// <summary>
/// Process exit codes, the same for every command, so scripts can tell failures apart.
/// </summary>
public static class ExitCodes
{
    /// <summary>Success.</summary>
    public const int Ok = 0;

    /// <summary>The server (or the data folder) refused: a NO/BAD reply, a name taken, a folder in use.</summary>
    public const int Refused = 1;

    /// <summary>Bad or missing options or arguments.</summary>
    public const int Usage = 2;

    /// <summary>The server could not be reached, or the connection was lost.</summary>
    public const int Unreachable = 3;

    /// <summary>Anything unexpected.</summary>
    public const int Failure = 4;
}
