namespace Carteiro.Wire;

/// <summary>Why a frame was refused by the reader. Each maps to one error code on the wire.</summary>
public enum WireError
{
    None = 0,
    LineTooLong,
    LiteralTooLarge,
    FrameTooLarge,
    TooManyLiterals,
    BadLiteral,
}

/// <summary>The stable error codes sent on the wire for <see cref="WireError"/> values.</summary>
public static class WireErrorCodes
{
    /// <summary>Returns the wire code, such as <c>line-too-long</c>, for a reader error.</summary>
    public static string ToCode(this WireError error) => error switch
    {
        WireError.LineTooLong => "line-too-long",
        WireError.LiteralTooLarge => "payload-too-large",
        WireError.FrameTooLarge => "payload-too-large",
        WireError.TooManyLiterals => "too-many-payloads",
        WireError.BadLiteral => "bad-syntax",
        _ => "ok",
    };
}
