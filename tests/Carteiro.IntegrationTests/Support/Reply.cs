using System.Text.Json;

namespace Carteiro.IntegrationTests.Support;

/// <summary>The lines of one command's answer: data lines, then the tagged reply (events removed).</summary>
internal sealed class Reply
{
    public Reply(string tag, IReadOnlyList<string> lines)
    {
        Tag = tag;
        Lines = lines;
        string rest = Line.Length > tag.Length ? Line[(tag.Length + 1)..] : "";
        string[] parts = rest.Split(' ', 3);
        Status = parts[0];
        if (Status is "NO" or "BAD")
        {
            Code = parts.Length > 1 ? parts[1] : "";
            Text = parts.Length > 2 ? parts[2] : "";
        }
        else
        {
            Code = "";
            Text = rest.Length > Status.Length ? rest[(Status.Length + 1)..] : "";
        }
    }

    public string Tag { get; }

    public IReadOnlyList<string> Lines { get; }

    /// <summary>The tagged reply line.</summary>
    public string Line => Lines[^1];

    /// <summary>OK, NO or BAD.</summary>
    public string Status { get; }

    /// <summary>The error code of a NO or BAD reply; empty otherwise.</summary>
    public string Code { get; }

    /// <summary>The human text of a NO or BAD reply, or the JSON text of an OK reply.</summary>
    public string Text { get; }

    public bool IsOk => Status == "OK";

    /// <summary>The result object of an OK reply.</summary>
    public JsonElement Json
    {
        get
        {
            AssertOk();
            return Support.Json.Parse(Text);
        }
    }

    /// <summary>The data lines <c>* TYPE {json}</c> of this reply.</summary>
    public IReadOnlyList<JsonElement> Data(string type)
    {
        string prefix = $"* {type} ";
        return [.. Lines.Where(l => l.StartsWith(prefix, StringComparison.Ordinal)).Select(l => Support.Json.Parse(l[prefix.Length..]))];
    }

    public Reply AssertOk()
    {
        Assert.True(IsOk, $"expected {Tag} OK, got: {Line}");
        return this;
    }

    public Reply AssertNo(string code) => AssertRefused("NO", code);

    public Reply AssertBad(string code) => AssertRefused("BAD", code);

    private Reply AssertRefused(string status, string code)
    {
        Assert.True(Status == status && Code == code, $"expected {Tag} {status} {code}, got: {Line}");
        return this;
    }

    public override string ToString() => Line;
}
