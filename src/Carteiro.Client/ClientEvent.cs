namespace Carteiro.Client;

/// <summary>Something the server pushed, or a change of the connection's state.</summary>
public abstract record ClientEvent;

/// <summary>A message was filed in one of your folders.</summary>
/// <param name="Message">The message.</param>
/// <param name="ReceivedTimestamp">When the event was read off the socket (<see cref="System.Diagnostics.Stopwatch.GetTimestamp"/>).</param>
public sealed record MailEvent(MailSummary Message, long ReceivedTimestamp) : ClientEvent;

/// <summary>One of your messages changed flags or folder.</summary>
public sealed record UpdateEvent(MailSummary Message) : ClientEvent;

/// <summary>One of your messages was deleted for good.</summary>
public sealed record RemovedEvent(long Id, string Folder, long Uid) : ClientEvent;

/// <summary>Someone came online or went offline.</summary>
public sealed record PresenceEvent(string User, bool Online) : ClientEvent;

/// <summary>The server is closing the connection.</summary>
public sealed record ByeEvent(string Reason, string? Message) : ClientEvent;

/// <summary>The connection went down, is being restored, or is back.</summary>
public sealed record ConnectionStateEvent(ConnectionState State) : ClientEvent;

/// <summary>States of a client's connection.</summary>
public enum ConnectionState
{
    Connected,
    Reconnecting,
    Disconnected,
}
