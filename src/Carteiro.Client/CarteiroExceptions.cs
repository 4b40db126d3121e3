namespace Carteiro.Client;

/// <summary>The server refused a command (<c>NO</c>) or found it malformed (<c>BAD</c>); the connection lives on.</summary>
public sealed class CarteiroCommandException : Exception
{
    /// <summary>Creates the exception.</summary>
    public CarteiroCommandException(string code, string message, bool isBad) : base(message)
    {
        Code = code;
        IsBad = isBad;
    }

    /// <summary>The machine-readable error code, such as <c>unknown-recipient</c>.</summary>
    public string Code { get; }

    /// <summary>True for <c>BAD</c> (malformed), false for <c>NO</c> (refused).</summary>
    public bool IsBad { get; }
}

/// <summary>The connection to the server could not be made or was lost.</summary>
public sealed class CarteiroConnectionException : Exception
{
    /// <summary>Creates the exception.</summary>
    public CarteiroConnectionException(string message) : base(message)
    {
    }

    /// <summary>Creates the exception with its cause.</summary>
    public CarteiroConnectionException(string message, Exception inner) : base(message, inner)
    {
    }
}
