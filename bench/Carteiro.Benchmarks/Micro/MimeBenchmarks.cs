using BenchmarkDotNet.Attributes;
using Carteiro.Core.Messages;

namespace Carteiro.Benchmarks.Micro;

/// <summary>The MIME path of a native send: building the RFC 5322 document with MimeKit.</summary>
[MemoryDiagnoser]
public class MimeBenchmarks
{
    private Draft _plain = new();
    private Draft _withAttachment = new();

    [GlobalSetup]
    public void Setup()
    {
        _plain = new Draft { To = ["bob"], Subject = "Benchmark message", Body = new string('x', 1024) };
        _withAttachment = _plain with { Attachments = [new Attachment("data.bin", "application/octet-stream", new byte[64 * 1024])] };
    }

    [Benchmark]
    public int Compose1KiB() => MimeComposer.Compose("alice", _plain, "localhost", DateTimeOffset.UnixEpoch, null).Bytes.Length;

    [Benchmark]
    public int Compose1KiBWith64KiBAttachment() => MimeComposer.Compose("alice", _withAttachment, "localhost", DateTimeOffset.UnixEpoch, null).Bytes.Length;
}
