using System.Text;
using System.Text.Json;

namespace Carteiro.Web.Tests.Support;

/// <summary>One server-sent event.</summary>
public sealed record SseEvent(string Name, JsonElement Data)
{
    public override string ToString() => $"{Name} {Data}";
}

/// <summary>
/// A reader of <c>/api/events</c> as a browser's EventSource would see it. Every wait has a
/// timeout, so a missing event fails the test instead of hanging it.
/// </summary>
public sealed class EventStream : IAsyncDisposable
{
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(15);

    private readonly HttpResponseMessage _response;
    private readonly StreamReader _reader;
    private readonly List<SseEvent> _seen = [];

    private EventStream(HttpResponseMessage response, StreamReader reader, SseEvent hello)
    {
        _response = response;
        _reader = reader;
        Hello = hello;
    }

    /// <summary>The first event, <c>hello</c>.</summary>
    public SseEvent Hello { get; }

    /// <summary>The response headers of the stream.</summary>
    public HttpResponseMessage Response => _response;

    /// <summary>Every event read so far after hello.</summary>
    public IReadOnlyList<SseEvent> Seen => _seen;

    /// <summary>Opens the stream for <paramref name="user"/> and waits for <c>hello</c>.</summary>
    public static async Task<EventStream> OpenAsync(WebUser user)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        timeout.CancelAfter(DefaultTimeout);
        using var request = new HttpRequestMessage(HttpMethod.Get, "api/events");
        request.Headers.Accept.ParseAdd("text/event-stream");
        var response = await user.Http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
        if ((int)response.StatusCode != 200)
        {
            string body = await response.Content.ReadAsStringAsync(timeout.Token);
            response.Dispose();
            throw new Xunit.Sdk.XunitException($"/api/events answered {(int)response.StatusCode}: {body}");
        }

        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        var reader = new StreamReader(await response.Content.ReadAsStreamAsync(timeout.Token), Encoding.UTF8);
        var first = await ReadEventAsync(reader, timeout.Token)
            ?? throw new Xunit.Sdk.XunitException("the event stream ended before hello");
        Assert.Equal("hello", first.Name);
        Assert.Equal(user.User, first.Data.Str("user"));
        return new EventStream(response, reader, first);
    }

    /// <summary>The next event; null when the server ended the stream.</summary>
    public async Task<SseEvent?> NextAsync(TimeSpan? timeout = null)
    {
        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        cancel.CancelAfter(timeout ?? DefaultTimeout);
        try
        {
            var next = await ReadEventAsync(_reader, cancel.Token);
            if (next is not null)
            {
                _seen.Add(next);
            }

            return next;
        }
        catch (OperationCanceledException) when (!TestContext.Current.CancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException($"no event within {(timeout ?? DefaultTimeout).TotalSeconds} s; seen: {string.Join(" | ", _seen)}");
        }
    }

    /// <summary>Reads until an event named <paramref name="name"/> that matches; fails on timeout or end of stream.</summary>
    public async Task<SseEvent> WaitForAsync(string name, Func<JsonElement, bool>? match = null, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? DefaultTimeout);
        while (true)
        {
            var left = deadline - DateTime.UtcNow;
            if (left <= TimeSpan.Zero)
            {
                throw new TimeoutException($"no '{name}' event in time; seen: {string.Join(" | ", _seen)}");
            }

            var next = await NextAsync(left)
                ?? throw new Xunit.Sdk.XunitException($"the stream ended before a '{name}' event; seen: {string.Join(" | ", _seen)}");
            if (next.Name == name && (match is null || match(next.Data)))
            {
                return next;
            }
        }
    }

    /// <summary>Reads to the end of the stream; returns the events read. Fails if it does not end in time.</summary>
    public async Task<IReadOnlyList<SseEvent>> ReadToEndAsync(TimeSpan? timeout = null)
    {
        var events = new List<SseEvent>();
        var deadline = DateTime.UtcNow + (timeout ?? DefaultTimeout);
        while (true)
        {
            var left = deadline - DateTime.UtcNow;
            if (left <= TimeSpan.Zero)
            {
                throw new TimeoutException($"the stream did not end in time; seen: {string.Join(" | ", _seen)}");
            }

            SseEvent? next;
            try
            {
                next = await NextAsync(left);
            }
            catch (IOException)
            {
                return events;
            }
            catch (HttpRequestException)
            {
                return events;
            }

            if (next is null)
            {
                return events;
            }

            events.Add(next);
        }
    }

    // Parses one event: "event:" and "data:" lines up to a blank line; comments (": ping") are skipped.
    private static async Task<SseEvent?> ReadEventAsync(StreamReader reader, CancellationToken cancellationToken)
    {
        string? name = null;
        var data = new StringBuilder();
        while (true)
        {
            string? line = await reader.ReadLineAsync(cancellationToken);
            if (line is null)
            {
                return null;
            }

            if (line.Length == 0)
            {
                if (name is null && data.Length == 0)
                {
                    continue;
                }

                using var document = JsonDocument.Parse(data.ToString());
                return new SseEvent(name ?? "message", document.RootElement.Clone());
            }

            if (line.StartsWith(':'))
            {
                continue;
            }

            if (line.StartsWith("event:", StringComparison.Ordinal))
            {
                name = line["event:".Length..].TrimStart();
            }
            else if (line.StartsWith("data:", StringComparison.Ordinal))
            {
                if (data.Length > 0)
                {
                    data.Append('\n');
                }

                data.Append(line["data:".Length..].TrimStart());
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        _reader.Dispose();
        _response.Dispose();
        await Task.CompletedTask;
    }
}
