using System.Buffers;
using System.Text;
using BenchmarkDotNet.Attributes;
using Carteiro.Wire;

namespace Carteiro.Benchmarks.Micro;

/// <summary>The native protocol's hot path on the server: framing and parsing a SEND with a 1 KiB body.</summary>
[MemoryDiagnoser]
public class WireBenchmarks
{
    private ReadOnlySequence<byte> _send;
    private ReadOnlySequence<byte> _noop;
    private readonly FrameReader _reader = new(WireLimits.Default);

    [GlobalSetup]
    public void Setup()
    {
        string body = new('x', 1024);
        _send = new ReadOnlySequence<byte>(Encoding.UTF8.GetBytes($"a1 SEND TO bob SUBJECT \"Benchmark message\" ID m-123 BODY {{{body.Length}}}\r\n{body}\r\n"));
        _noop = new ReadOnlySequence<byte>("a2 NOOP\r\n"u8.ToArray());
    }

    [Benchmark]
    public int ReadAndParseSend()
    {
        var buffer = _send;
        _ = _reader.TryRead(ref buffer, out var frame);
        _ = CommandParser.TryParse(frame, out var command, out _, out _);
        int count = command.Arguments.Count;
        frame.Dispose();
        return count;
    }

    [Benchmark]
    public int ReadAndParseNoop()
    {
        var buffer = _noop;
        _ = _reader.TryRead(ref buffer, out var frame);
        _ = CommandParser.TryParse(frame, out var command, out _, out _);
        frame.Dispose();
        return command.Verb.Length;
    }
}
