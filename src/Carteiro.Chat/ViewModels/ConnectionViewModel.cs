using Carteiro.Client;

namespace Carteiro.Chat.ViewModels;

/// <summary>The connection's state as the status line shows it.</summary>
internal sealed class ConnectionViewModel(string user, string server)
{
    public ConnectionState State { get; private set; } = ConnectionState.Connected;

    /// <summary>Why the server said goodbye, when it did.</summary>
    public string? LastBye { get; private set; }

    public string Text => State switch
    {
        ConnectionState.Connected => $"{user}@{server}",
        ConnectionState.Reconnecting => LastBye is null ? "connection lost, reconnecting…" : $"server said {LastBye}; reconnecting…",
        _ => "disconnected",
    };

    public event Action? Changed;

    public void OnState(ConnectionState state)
    {
        State = state;
        if (state == ConnectionState.Connected)
        {
            LastBye = null;
        }

        Changed?.Invoke();
    }

    public void OnBye(string reason)
    {
        LastBye = reason;
        Changed?.Invoke();
    }
}
