using System.Text;
using Carteiro.Wire;

namespace Carteiro.Core.Tests.Wire;

public sealed class CommandParserTests
{
    private static (bool Ok, Command Command, string? Tag, string Error) Parse(byte[] input)
    {
        using var feeder = FrameFeeder.ReadAll(input);
        var frame = Assert.Single(feeder.Frames);
        Assert.Equal(WireError.None, frame.Error);
        bool ok = CommandParser.TryParse(frame, out var command, out string? tag, out string error);
        return (ok, command, tag, error);
    }

    private static (bool Ok, Command Command, string? Tag, string Error) Parse(string line) => Parse(Encoding.UTF8.GetBytes(line + "\r\n"));

    private static Command ParseOk(string line)
    {
        var (ok, command, _, error) = Parse(line);
        Assert.True(ok, error);
        return command;
    }

    [Fact]
    public void Atoms_SplitOnSpacesAndTabs()
    {
        var command = ParseOk("a1 LOGIN alice \t s3cret!");

        Assert.Equal("a1", command.Tag);
        Assert.Equal("LOGIN", command.Verb);
        Assert.Equal(["alice", "s3cret!"], command.Arguments.Select(a => a.AsText()));
        Assert.All(command.Arguments, a => Assert.Equal(ArgumentKind.Atom, a.Kind));
    }

    [Fact]
    public void Verb_IsUpperCasedAndTagKeepsItsCase()
    {
        var command = ParseOk("Tag7 send TO bob");

        Assert.Equal("Tag7", command.Tag);
        Assert.Equal("SEND", command.Verb);
        Assert.True(command.Arguments[0].Is("to"));
    }

    [Fact]
    public void Utf8Atom_IsDecoded()
    {
        var command = ParseOk("a1 SEARCH café");

        Assert.Equal("café", Assert.Single(command.Arguments).AsText());
    }

    [Fact]
    public void QuotedString_KeepsSpacesAndUnescapes()
    {
        var command = ParseOk("a1 SEND SUBJECT \"say \\\"hi\\\" to C:\\\\temp, café\"");

        var subject = command.Arguments[1];
        Assert.Equal(ArgumentKind.Quoted, subject.Kind);
        Assert.Equal("say \"hi\" to C:\\temp, café", subject.AsText());
    }

    [Fact]
    public void EmptyQuotedString_IsEmptyArgument()
    {
        var command = ParseOk("a1 SEND SUBJECT \"\" BODY x");

        Assert.Equal(ArgumentKind.Quoted, command.Arguments[1].Kind);
        Assert.Equal("", command.Arguments[1].AsText());
        Assert.Equal(4, command.Arguments.Count);
    }

    [Theory]
    [InlineData("a1 SEND SUBJECT \"bad \\n escape\"")]
    [InlineData("a1 SEND SUBJECT \"trailing backslash\\")]
    [InlineData("a1 SEND SUBJECT \"\\x\"")]
    public void InvalidEscape_IsRefusedWithTag(string line)
    {
        var (ok, _, tag, error) = Parse(line);

        Assert.False(ok);
        Assert.Equal("a1", tag);
        Assert.NotEmpty(error);
    }

    [Fact]
    public void UnterminatedQuote_IsRefusedWithTag()
    {
        var (ok, _, tag, error) = Parse("a1 SEND SUBJECT \"no end");

        Assert.False(ok);
        Assert.Equal("a1", tag);
        Assert.Contains("unterminated", error, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void QuoteInsideAtom_IsRefused()
    {
        var (ok, _, _, _) = Parse("a1 SEND SUBJECT ab\"cd");

        Assert.False(ok);
    }

    [Theory]
    [InlineData(new byte[] { 0xFF, 0xFE })]
    [InlineData(new byte[] { 0xC3 })]
    [InlineData(new byte[] { 0xED, 0xA0, 0x80 })]
    public void InvalidUtf8InAtom_IsRefused(byte[] bad)
    {
        byte[] input = [.. "a1 SEARCH x"u8, .. bad, .. "\r\n"u8];

        var (ok, _, tag, _) = Parse(input);

        Assert.False(ok);
        Assert.Equal("a1", tag);
    }

    [Fact]
    public void InvalidUtf8InQuotedString_IsRefused()
    {
        byte[] input = [.. "a1 SEND SUBJECT \"caf"u8, 0xE9, .. "\"\r\n"u8];

        var (ok, _, tag, _) = Parse(input);

        Assert.False(ok);
        Assert.Equal("a1", tag);
    }

    [Fact]
    public void ControlByteInAtom_IsRefused()
    {
        byte[] input = [.. "a1 SEARCH a"u8, 0x01, .. "b\r\n"u8];

        var (ok, _, _, _) = Parse(input);

        Assert.False(ok);
    }

    [Fact]
    public void StarTag_IsRefused()
    {
        var (ok, _, tag, _) = Parse("* NOOP");

        Assert.False(ok);
        Assert.Null(tag);
    }

    [Fact]
    public void TagOf64Characters_IsAccepted()
    {
        string tag = new('t', CommandParser.MaxTagLength);

        Assert.Equal(tag, ParseOk(tag + " NOOP").Tag);
    }

    [Fact]
    public void TagOver64Characters_IsRefused()
    {
        var (ok, _, _, _) = Parse(new string('t', CommandParser.MaxTagLength + 1) + " NOOP");

        Assert.False(ok);
    }

    [Fact]
    public void QuotedTag_IsRefused()
    {
        var (ok, _, _, _) = Parse("\"a1\" NOOP");

        Assert.False(ok);
    }

    [Fact]
    public void TagWithoutVerb_IsRefusedWithTag()
    {
        var (ok, _, tag, _) = Parse("a1");

        Assert.False(ok);
        Assert.Equal("a1", tag);
    }

    [Fact]
    public void EmptyLine_IsRefusedWithoutTag()
    {
        var (ok, _, tag, _) = Parse("   ");

        Assert.False(ok);
        Assert.Null(tag);
    }

    [Fact]
    public void LiteralArguments_TakeTheirPlaceAmongTheOthers()
    {
        byte[] input = Encoding.UTF8.GetBytes("a1 SEND TO bob BODY {12}\r\nNoon, café? ATTACH a.bin application/octet-stream {3}\r\n\0\r\n SUBJECT hi\r\n");

        // Literal arguments point into the frame's pooled buffers: check them before it goes.
        using var feeder = FrameFeeder.ReadAll(input);
        bool ok = CommandParser.TryParse(Assert.Single(feeder.Frames), out var command, out _, out string error);

        Assert.True(ok, error);
        Assert.Equal("SEND", command.Verb);
        Assert.Equal(
            [ArgumentKind.Atom, ArgumentKind.Atom, ArgumentKind.Atom, ArgumentKind.Literal, ArgumentKind.Atom, ArgumentKind.Atom, ArgumentKind.Atom, ArgumentKind.Literal, ArgumentKind.Atom, ArgumentKind.Atom],
            command.Arguments.Select(a => a.Kind));
        Assert.Equal("Noon, café?", command.Arguments[3].AsText());
        Assert.Equal(new byte[] { 0, 13, 10 }, command.Arguments[7].Bytes.ToArray());
        Assert.Equal("hi", command.Arguments[9].AsText());
    }
}
