using Carteiro.Protocols.Common;
using Carteiro.Core.Errors;
using Carteiro.Core.Live;
using Carteiro.Wire;

namespace Carteiro.Protocols.Native;

internal sealed partial class NativeSession
{
    /// <summary>Holds the write lock until disposed; everything written meanwhile stays together.</summary>
    private readonly struct WriteScope(SemaphoreSlim gate) : IDisposable
    {
        public void Dispose() => gate.Release();
    }

    private async ValueTask<WriteScope> LockAsync()
    {
        await _writeLock.WaitAsync(_closing.Token).ConfigureAwait(false);
        return new WriteScope(_writeLock);
    }

    private async ValueTask FlushAsync(CancellationToken cancellationToken)
    {
        await _writeLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_output.UnflushedBytes > 0)
            {
                await _output.FlushAsync(cancellationToken).ConfigureAwait(false);
            }
        }
        finally
        {
            _writeLock.Release();
        }
    }

    // Replies to pipelined SENDs complete together when their batch commits; one flush a little
    // later sends them in one write instead of one syscall each.
    private void ScheduleFlush()
    {
        if (Interlocked.Exchange(ref _flushScheduled, 1) == 0)
        {
            ThreadPool.UnsafeQueueUserWorkItem(static session => _ = session.RunScheduledFlushAsync(), this, preferLocal: false);
        }
    }

    private async Task RunScheduledFlushAsync()
    {
        Volatile.Write(ref _flushScheduled, 0);
        try
        {
            await FlushAsync(_closing.Token).ConfigureAwait(false);
        }
        catch (Exception error) when (error is OperationCanceledException or IOException or ObjectDisposedException or InvalidOperationException)
        {
            // The connection is closing.
        }
    }

    private async Task WriteGreetingAsync()
    {
        var options = _services.Options;
        using (await LockAsync().ConfigureAwait(false))
        {
            WireWriter.Write(_output, "* HELLO "u8);
            var json = BeginJson();
            json.WriteStartObject();
            json.WriteNumber("protocol"u8, 1);
            json.WriteString("server"u8, NativeServices.ServerVersion);
            json.WriteBoolean("registration"u8, options.RegistrationOpen);
            json.WriteString("domain"u8, options.Domain);
            json.WriteStartObject("limits"u8);
            json.WriteNumber("maxLine"u8, options.MaxLineLength);
            json.WriteNumber("maxMessage"u8, options.MaxMessageSize);
            json.WriteNumber("maxInFlight"u8, options.MaxCommandsInFlight);
            json.WriteNumber("idleSeconds"u8, (int)options.IdleTimeout.TotalSeconds);
            json.WriteNumber("signInSeconds"u8, (int)options.SignInTimeout.TotalSeconds);
            json.WriteEndObject();
            json.WriteEndObject();
            EndJsonLine();
        }

        await FlushAsync(_closing.Token).ConfigureAwait(false);
    }

    // One JSON writer per thread, pointed at this session's output from BeginJson to EndJsonLine,
    // which nothing awaits between, instead of one per connection that an idle one would keep.
    // Reset also drops whatever a line cut short by an exception left behind.
    private System.Text.Json.Utf8JsonWriter BeginJson()
    {
        var json = t_json ??= new System.Text.Json.Utf8JsonWriter(_output, JsonOptions);
        json.Reset(_output);
        return json;
    }

    private void EndJsonLine()
    {
        var json = t_json!;
        json.Flush();

        // Let go of this session's output, so the thread does not keep a closed connection alive.
        json.Reset(DetachedOutput);
        WireWriter.WriteLineEnd(_output);
    }

    /// <summary>Writes <c>tag OK</c> with no result.</summary>
    private void WriteOk(string tag)
    {
        WireWriter.WriteUtf8(_output, tag);
        WireWriter.Write(_output, " OK\r\n"u8);
    }

    /// <summary>Writes <c>tag OK </c> and returns the JSON writer for the result object.</summary>
    private System.Text.Json.Utf8JsonWriter BeginOk(string tag)
    {
        WireWriter.WriteUtf8(_output, tag);
        WireWriter.Write(_output, " OK "u8);
        return BeginJson();
    }

    /// <summary>Writes <c>* TYPE </c> and returns the JSON writer for the data object.</summary>
    private System.Text.Json.Utf8JsonWriter BeginData(ReadOnlySpan<byte> prefix)
    {
        WireWriter.Write(_output, prefix);
        return BeginJson();
    }

    private void WriteError(string? tag, bool bad, string code, string text)
    {
        WireWriter.WriteUtf8(_output, tag ?? "*");
        WireWriter.Write(_output, bad ? " BAD "u8 : " NO "u8);
        WireWriter.WriteUtf8(_output, code);
        WireWriter.Write(_output, " "u8);
        WireWriter.WriteUtf8(_output, text.ReplaceLineEndings(" "));
        WireWriter.WriteLineEnd(_output);
    }

    private async Task ReplyErrorAsync(string? tag, bool bad, string code, string text)
    {
        using (await LockAsync().ConfigureAwait(false))
        {
            WriteError(tag, bad, code, text);
        }

        if (bad && ++_consecutiveErrors >= MaxConsecutiveErrors)
        {
            _services.Logger.Dropped(_connectionId, _remote, "too-many-errors");
            Close("too-many-errors");
        }
    }

    private Task ReplyRefusalAsync(string tag, CarteiroException refusal)
    {
        bool bad = refusal.Code is ErrorCode.BadSyntax or ErrorCode.UnknownCommand;
        return ReplyErrorAsync(tag, bad, refusal.Code.ToWire(), refusal.Message);
    }

    // Runs on the thread pool while events are queued (see TryPush); one flush for each burst.
    // Events are taken one at a time and written outside the queue's lock, so a hub pushing to
    // this session never waits for one to be serialised.
    private async Task WriteEventsAsync()
    {
        try
        {
            var token = _closing.Token;
            await _writeLock.WaitAsync(token).ConfigureAwait(false);
            try
            {
                while (true)
                {
                    while (TryTakeEvent(out var serverEvent))
                    {
                        WriteEvent(serverEvent);
                    }

                    await _output.FlushAsync(token).ConfigureAwait(false);
                    lock (_events)
                    {
                        // Checked and cleared together with TryPush's enqueue, so no event is left behind.
                        if (_events.Count == 0 || _closeReason is not null)
                        {
                            _events.Clear();
                            _writingEvents = false;
                            return;
                        }
                    }
                }
            }
            finally
            {
                _writeLock.Release();
            }
        }
        catch (Exception error) when (error is OperationCanceledException or IOException or System.Net.Sockets.SocketException or ObjectDisposedException or InvalidOperationException)
        {
            // The connection is closing; what was queued goes with it.
            Close(_closeReason ?? "connection-lost");
        }
    }

    private bool TryTakeEvent(out ServerEvent serverEvent)
    {
        lock (_events)
        {
            if (_closeReason is null && _events.TryDequeue(out serverEvent!))
            {
                return true;
            }
        }

        serverEvent = null!;
        return false;
    }

    private void WriteEvent(ServerEvent serverEvent)
    {
        switch (serverEvent)
        {
            case MailArrived mail:
                MailJson.WriteSummary(BeginData("* MAIL "u8), mail.Message);
                EndJsonLine();
                break;
            case MessageChanged changed:
                MailJson.WriteSummary(BeginData("* UPDATE "u8), changed.Message);
                EndJsonLine();
                break;
            case MessageRemoved removed:
                var json = BeginData("* REMOVED "u8);
                json.WriteStartObject();
                json.WriteNumber("id"u8, removed.Id);
                json.WriteString("folder"u8, removed.Folder);
                json.WriteNumber("uid"u8, removed.Uid);
                json.WriteEndObject();
                EndJsonLine();
                break;
            case PresenceChanged presence:
                var p = BeginData("* PRESENCE "u8);
                p.WriteStartObject();
                p.WriteString("user"u8, presence.User);
                p.WriteBoolean("online"u8, presence.Online);
                p.WriteEndObject();
                EndJsonLine();
                break;
        }
    }
}
