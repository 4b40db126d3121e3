namespace Carteiro.Protocols.Imap;

/// <summary>A command the grammar does not allow: answered with BAD and the reason.</summary>
internal sealed class ImapSyntaxException(string message) : Exception(message);
