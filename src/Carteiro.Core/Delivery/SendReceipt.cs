namespace Carteiro.Core.Delivery;

/// <summary>What a sender is told once the message is committed.</summary>
/// <param name="Id">The sender's copy in Sent.</param>
/// <param name="MessageId">The message's server-wide number.</param>
/// <param name="Date">The Date stamped on it.</param>
/// <param name="Duplicate">True when this answers a retry of an earlier send with the same client id.</param>
public sealed record SendReceipt(long Id, long MessageId, DateTimeOffset Date, bool Duplicate);
