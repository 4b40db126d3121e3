namespace Carteiro.Wire;

/// <summary>
/// A parsed command: a tag chosen by the client, a verb and its arguments. Literal arguments point
/// into the frame's pooled buffers, so a command is only valid until its frame is disposed.
/// </summary>
public sealed class Command
{
    internal Command(string tag, string verb, List<Argument> arguments)
    {
        Tag = tag;
        Verb = verb;
        Arguments = arguments;
    }

    /// <summary>The client's tag, echoed on the reply.</summary>
    public string Tag { get; }

    /// <summary>The verb in upper case.</summary>
    public string Verb { get; }

    /// <summary>The arguments after the verb.</summary>
    public IReadOnlyList<Argument> Arguments { get; }
}
