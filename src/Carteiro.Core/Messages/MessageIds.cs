namespace Carteiro.Core.Messages;

/// <summary>The Message-IDs the server gives the mail it composes or that arrives without one.</summary>
public static class MessageIds
{
    /// <summary>A new id, without angle brackets: <c>time-ordered-hex@domain</c>.</summary>
    /// <remarks>
    /// Time-ordered (a version 7 UUID) rather than random: the store indexes Message-IDs, and a
    /// random key lands on a different page of that index with every message, which a group
    /// commit then writes whole. In order, a batch's ids share the index's last page: a 1 KiB
    /// send wrote 23 KiB instead of 13 KiB, and the 50-sender load ran ~25% slower.
    /// </remarks>
    public static string New(string domain) => $"{Guid.CreateVersion7():N}@{domain}";
}
