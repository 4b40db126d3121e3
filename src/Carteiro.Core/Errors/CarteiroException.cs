namespace Carteiro.Core.Errors;

/// <summary>
/// A refusal: the request was understood and declined. Doors turn it into a protocol error that
/// carries <see cref="Code"/> and the message; the session goes on.
/// </summary>
public sealed class CarteiroException : Exception
{
    /// <summary>Creates a refusal with a code and a message for people.</summary>
    public CarteiroException(ErrorCode code, string message) : base(message) => Code = code;

    /// <summary>Creates a refusal with a code, a message and the failure that caused it.</summary>
    public CarteiroException(ErrorCode code, string message, Exception inner) : base(message, inner) => Code = code;

    /// <summary>Why the request was refused.</summary>
    public ErrorCode Code { get; }

    /// <summary>Names a refusal carries, such as the unknown recipients.</summary>
    public IReadOnlyList<string> Names { get; init; } = [];

    /// <summary>For <see cref="ErrorCode.Throttled"/>: how long until a retry can succeed.</summary>
    public TimeSpan? RetryAfter { get; init; }
}
