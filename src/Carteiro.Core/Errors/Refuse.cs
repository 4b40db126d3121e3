using System.Diagnostics.CodeAnalysis;

namespace Carteiro.Core.Errors;

/// <summary>Throw helpers: every refusal is made here, so messages stay consistent.</summary>
public static class Refuse
{
    /// <summary>Throws a <see cref="CarteiroException"/>.</summary>
    [DoesNotReturn]
    public static void With(ErrorCode code, string message) => throw new CarteiroException(code, message);

    /// <summary>Throws the refusal for an id that is not one of the caller's messages.</summary>
    [DoesNotReturn]
    public static void NoSuchMessage(long id) => throw new CarteiroException(ErrorCode.NoSuchMessage, $"no message {id} in your mailbox");

    /// <summary>Throws the refusal naming every unknown recipient.</summary>
    [DoesNotReturn]
    public static void UnknownRecipients(IReadOnlyList<string> names) =>
        throw new CarteiroException(ErrorCode.UnknownRecipients, $"unknown recipient{(names.Count == 1 ? "" : "s")}: {string.Join(", ", names)}")
        {
            Names = names,
        };
}
