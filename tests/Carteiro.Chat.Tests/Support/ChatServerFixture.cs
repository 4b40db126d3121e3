using Carteiro.TestKit;

namespace Carteiro.Chat.Tests.Support;

/// <summary>One in-process server shared by the view-model tests; each test makes its own users.</summary>
public sealed class ChatServerFixture : TestServerFixture;

[CollectionDefinition(Name)]
public sealed class ChatServerCollection : ICollectionFixture<ChatServerFixture>
{
    public const string Name = "chat server";
}
