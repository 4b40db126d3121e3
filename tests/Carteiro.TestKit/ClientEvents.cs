using Carteiro.Client;
using Xunit;

namespace Carteiro.TestKit;

/// <summary>Waiting for what a <see cref="CarteiroClient"/> is pushed.</summary>
public static class ClientEvents
{
    /// <summary>The next event of type <typeparamref name="T"/> that matches, within <paramref name="timeout"/>.</summary>
    public static async Task<T> NextAsync<T>(CarteiroClient client, Func<T, bool> match, TimeSpan timeout)
        where T : ClientEvent
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        deadline.CancelAfter(timeout);
        await foreach (var clientEvent in client.Events.ReadAllAsync(deadline.Token))
        {
            if (clientEvent is T wanted && match(wanted))
            {
                return wanted;
            }
        }

        throw new IOException("the client's event stream ended");
    }
}
