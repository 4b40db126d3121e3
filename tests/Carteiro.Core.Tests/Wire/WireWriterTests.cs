using System.Buffers;
using System.Text;
using Carteiro.Wire;

namespace Carteiro.Core.Tests.Wire;

public sealed class WireWriterTests
{
    private static Argument RoundTrip(string value)
    {
        var writer = new ArrayBufferWriter<byte>();
        WireWriter.WriteUtf8(writer, "t1 ECHO ");
        WireWriter.WriteArgument(writer, value);
        WireWriter.WriteLineEnd(writer);

        using var feeder = FrameFeeder.ReadAll(writer.WrittenSpan);
        var frame = Assert.Single(feeder.Frames);
        Assert.Equal(WireError.None, frame.Error);
        Assert.True(CommandParser.TryParse(frame, out var command, out _, out string error), error);
        var argument = Assert.Single(command.Arguments);

        // Literals point into the frame's pooled buffer: copy before the frame goes.
        return argument.Kind == ArgumentKind.Literal ? argument with { Bytes = argument.Bytes.ToArray() } : argument;
    }

    public static TheoryData<string> Values() =>
    [
        "alice",
        "café",
        "back\\slash",
        "hello world",
        "say \"hi\"",
        "a \"b\" \\c\\ d",
        "\\\"",
        "line one\r\nline two",
        "bare\nlf",
        "nul\0inside",
        "tab\tinside",
        "",
        " ",
        "abc{3}",
        "{3}",
        "x {12}",
        "{}",
        "ends with brace}",
        new string('y', 5000),
    ];

    [Theory]
    [MemberData(nameof(Values))]
    public void WriteArgument_ParsesBackToTheSameString(string value)
    {
        Assert.Equal(value, RoundTrip(value).AsText());
    }

    [Theory]
    [InlineData("alice", ArgumentKind.Atom)]
    [InlineData("hello world", ArgumentKind.Quoted)]
    [InlineData("say \"hi\"", ArgumentKind.Quoted)]
    [InlineData("", ArgumentKind.Quoted)]
    [InlineData("abc{3}", ArgumentKind.Quoted)]
    [InlineData("line one\r\nline two", ArgumentKind.Literal)]
    public void WriteArgument_PicksTheSimplestForm(string value, ArgumentKind kind)
    {
        Assert.Equal(kind, RoundTrip(value).Kind);
    }

    [Fact]
    public void WriteLiteral_IsMarkerCrlfAndBytes()
    {
        var writer = new ArrayBufferWriter<byte>();

        WireWriter.WriteLiteral(writer, "café"u8);

        Assert.Equal("{5}\r\ncafé", Encoding.UTF8.GetString(writer.WrittenSpan));
    }
}
