namespace Carteiro.Chat.Keys;

/// <summary>Everything a key can do on the main screen.</summary>
internal enum ChatAction
{
    Open,
    NextMessage,
    PreviousMessage,
    PageReader,
    Compose,
    Reply,
    ReplyAll,
    Forward,
    Delete,
    ToggleUnread,
    ToggleFlag,
    Move,
    Search,
    ClearSearch,
    Who,
    ToEveryone,
    NextPane,
    Refresh,
    Help,
    Quit,
}
