using System.Buffers;
using System.IO.Pipelines;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using System.Threading.Channels;
using Carteiro.Core.Accounts;
using Carteiro.Core.Live;
using Carteiro.Core.Messages;
using Carteiro.Protocols.Common;
using Carteiro.Web.Api;
using Microsoft.AspNetCore.Http;

namespace Carteiro.Web.Live;

/// <summary>
/// One open <c>/api/events</c> stream: a signed-in session for the hub, rendering its events as
/// server-sent events. Pushing never blocks: events queue up to a bound, and a browser that cannot
/// keep up is told <c>bye</c> and dropped rather than slowing delivery for everyone else.
/// </summary>
internal sealed class EventStreamSession : ISessionSink
{
    private readonly Channel<ServerEvent> _events;
    private string? _byeReason;

    public EventStreamSession(Account account, string token, int capacity)
    {
        AccountId = account.Id;
        UserName = account.Name;
        Token = token;
        _events = Channel.CreateBounded<ServerEvent>(new BoundedChannelOptions(Math.Max(1, capacity))
        {
            SingleReader = true,
            FullMode = BoundedChannelFullMode.Wait,
        });
    }

    public long AccountId { get; }

    public string UserName { get; }

    /// <summary>The login token the stream was opened with (sign-out closes its streams).</summary>
    public string Token { get; }

    public bool TryPush(ServerEvent serverEvent)
    {
        if (_events.Writer.TryWrite(serverEvent))
        {
            return true;
        }

        Close("too-slow");
        return false;
    }

    /// <summary>Ends the stream after what is queued, with a <c>bye</c> giving <paramref name="reason"/>.</summary>
    public void Close(string reason)
    {
        Interlocked.CompareExchange(ref _byeReason, reason, null);
        _events.Writer.TryComplete();
    }

    /// <summary>Writes events until the stream is closed or the browser goes away.</summary>
    public async Task RunAsync(HttpResponse response, TimeSpan pingInterval, CancellationToken aborted)
    {
        var output = response.BodyWriter;
        Write(output, "hello", new HelloEventData(UserName), WebJsonContext.Default.HelloEventData);
        await output.FlushAsync(aborted).ConfigureAwait(false);
        while (true)
        {
            bool more;
            using (var tick = CancellationTokenSource.CreateLinkedTokenSource(aborted))
            {
                tick.CancelAfter(pingInterval);
                try
                {
                    more = await _events.Reader.WaitToReadAsync(tick.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (!aborted.IsCancellationRequested)
                {
                    // Quiet for a while: a comment keeps proxies from timing out and finds dead peers.
                    output.Write(": ping\n\n"u8);
                    await output.FlushAsync(aborted).ConfigureAwait(false);
                    continue;
                }
            }

            if (!more)
            {
                Write(output, "bye", new ByeEventData(_byeReason ?? "closed"), WebJsonContext.Default.ByeEventData);
                await output.FlushAsync(aborted).ConfigureAwait(false);
                return;
            }

            // Everything queued goes out in one flush.
            while (_events.Reader.TryRead(out var serverEvent))
            {
                WriteEvent(output, serverEvent);
            }

            await output.FlushAsync(aborted).ConfigureAwait(false);
        }
    }

    private static void WriteEvent(PipeWriter output, ServerEvent serverEvent)
    {
        switch (serverEvent)
        {
            case MailArrived arrived:
                WriteSummary(output, "mail", arrived.Message);
                break;
            case MessageChanged changed:
                WriteSummary(output, "update", changed.Message);
                break;
            case MessageRemoved removed:
                Write(output, "removed", new RemovedEventData(removed.Id, removed.Folder, removed.Uid), WebJsonContext.Default.RemovedEventData);
                break;
            case PresenceChanged presence:
                Write(output, "presence", new PresenceEventData(presence.User, presence.Online), WebJsonContext.Default.PresenceEventData);
                break;
        }
    }

    // Summaries go through the same writer as lists and search (and the native door).
    private static void WriteSummary(PipeWriter output, string name, MessageSummary summary)
    {
        using (var json = BeginEvent(output, name))
        {
            MailJson.WriteSummary(json, summary);
        }

        EndEvent(output);
    }

    private static void Write<T>(PipeWriter output, string name, T data, JsonTypeInfo<T> type)
    {
        using (var json = BeginEvent(output, name))
        {
            JsonSerializer.Serialize(json, data, type);
        }

        EndEvent(output);
    }

    // JSON never holds a raw line break, so one data line carries the whole payload.
    private static Utf8JsonWriter BeginEvent(PipeWriter output, string name)
    {
        output.Write("event: "u8);
        output.Write(System.Text.Encoding.ASCII.GetBytes(name));
        output.Write("\ndata: "u8);
        return new Utf8JsonWriter(output);
    }

    private static void EndEvent(PipeWriter output) => output.Write("\n\n"u8);
}
