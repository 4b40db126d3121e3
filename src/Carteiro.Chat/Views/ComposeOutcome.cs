namespace Carteiro.Chat.Views;

/// <summary>How the compose window was left.</summary>
internal enum ComposeOutcome
{
    /// <summary>Closed with the draft kept for later.</summary>
    Kept,

    /// <summary>The server stored the message.</summary>
    Sent,

    /// <summary>The user threw the draft away.</summary>
    Discarded,
}
