using System.Text;
using System.Text.Json;
using Microsoft.Playwright;

namespace Carteiro.Benchmarks.Web;

/// <summary>
/// A Chrome performance trace of one page load, taken over the DevTools protocol and written as
/// the JSON that chrome://tracing and Perfetto open: where the renderer's main thread spent the
/// time (parsing, script, style, layout, paint), and a profile of its script (Chrome DevTools
/// opens both). Only for looking, never part of a figure.
/// </summary>
internal sealed class ChromeTrace
{
    private const string Categories =
        "devtools.timeline,disabled-by-default-devtools.timeline,v8.execute,blink.user_timing,loading,navigation,toplevel,blink";

    private readonly ICDPSession _session;
    private readonly TaskCompletionSource<string> _stream = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private ChromeTrace(ICDPSession session)
    {
        _session = session;
        _session.Event("Tracing.tracingComplete").OnEvent += (_, args) =>
        {
            if (args is JsonElement e && e.TryGetProperty("stream", out var handle))
            {
                _stream.TrySetResult(handle.GetString()!);
            }
        };
    }

    public static async Task<ChromeTrace> StartAsync(IBrowserContext context, IPage page)
    {
        var trace = new ChromeTrace(await context.NewCDPSessionAsync(page));
        await trace._session.SendAsync("Profiler.enable");
        await trace._session.SendAsync("Profiler.setSamplingInterval", new Dictionary<string, object> { ["interval"] = 250 });
        await trace._session.SendAsync("Profiler.start");
        await trace._session.SendAsync("Tracing.start", new Dictionary<string, object>
        {
            ["categories"] = Categories,
            ["transferMode"] = "ReturnAsStream",
        });
        return trace;
    }

    public async Task StopAsync(string path)
    {
        var profile = await _session.SendAsync("Profiler.stop");
        if (profile is JsonElement p)
        {
            await File.WriteAllTextAsync(Path.ChangeExtension(path, ".cpuprofile"), p.GetProperty("profile").GetRawText());
        }

        await _session.SendAsync("Tracing.end");
        string stream = await _stream.Task.WaitAsync(TimeSpan.FromSeconds(30));
        var text = new StringBuilder();
        while (true)
        {
            var chunk = await _session.SendAsync("IO.read", new Dictionary<string, object> { ["handle"] = stream, ["size"] = 1 << 20 });
            if (chunk is not JsonElement c)
            {
                break;
            }

            text.Append(c.GetProperty("data").GetString());
            if (c.GetProperty("eof").GetBoolean())
            {
                break;
            }
        }

        await _session.SendAsync("IO.close", new Dictionary<string, object> { ["handle"] = stream });
        await File.WriteAllTextAsync(path, text.ToString());
        Console.WriteLine($"  chrome trace of the last load: {path}, its script profile beside it (.cpuprofile)");
    }
}
