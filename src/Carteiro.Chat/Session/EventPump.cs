using Carteiro.Chat.ViewModels;
using Carteiro.Client;

namespace Carteiro.Chat.Session;

/// <summary>
/// Reads what the server pushes (and the client's connection states) off the client's event
/// channel, and applies each on the UI thread through the given <see cref="SynchronizationContext"/>.
/// </summary>
internal static class EventPump
{
    public static async Task RunAsync(CarteiroClient client, SynchronizationContext ui, MailboxViewModel mailbox, CancellationToken cancellationToken)
    {
        try
        {
            await foreach (var clientEvent in client.Events.ReadAllAsync(cancellationToken).ConfigureAwait(false))
            {
                ui.Post(static state =>
                {
                    var (mailbox, clientEvent) = ((MailboxViewModel, ClientEvent))state!;
                    mailbox.Apply(clientEvent);
                }, (mailbox, clientEvent));
            }
        }
        catch (OperationCanceledException)
        {
            // Quitting.
        }
    }
}
