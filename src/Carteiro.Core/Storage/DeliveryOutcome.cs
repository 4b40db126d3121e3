using Carteiro.Core.Messages;

namespace Carteiro.Core.Storage;

/// <summary>
/// What a delivery did. When <see cref="UnknownRecipients"/> is not empty nothing was stored.
/// <see cref="Duplicate"/> marks a retried send answered from the first one: nothing new was stored
/// and <see cref="Deliveries"/> is empty.
/// </summary>
public sealed record DeliveryOutcome(
    long SentId,
    long MessageId,
    DateTimeOffset Date,
    bool Duplicate,
    IReadOnlyList<string> UnknownRecipients,
    IReadOnlyList<Delivery> Deliveries)
{
    /// <summary>An outcome that refuses the message for unknown names.</summary>
    public static DeliveryOutcome Unknown(IReadOnlyList<string> names) => new(0, 0, default, false, names, []);
}

/// <summary>One entry filed by a delivery, to push to its owner's sessions.</summary>
public readonly record struct Delivery(long AccountId, MessageSummary Entry);

/// <summary>An entry moved from one folder to another.</summary>
public sealed record MoveOutcome(string FromFolder, long FromUid, MessageSummary Entry);
