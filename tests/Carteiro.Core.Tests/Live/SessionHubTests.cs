using Carteiro.Core.Live;

namespace Carteiro.Core.Tests.Live;

public sealed class SessionHubTests
{
    private readonly ManualTimeProvider _time = new();
    private readonly SessionHub _hub;

    public SessionHubTests() => _hub = new SessionHub(_time);

    /// <summary>A session that keeps what it is sent.</summary>
    private sealed class RecordingSession(long accountId, string userName) : ISessionSink
    {
        public long AccountId { get; } = accountId;

        public string UserName { get; } = userName;

        public List<ServerEvent> Events { get; } = [];

        public bool TryPush(ServerEvent serverEvent)
        {
            Events.Add(serverEvent);
            return true;
        }
    }

    private static RecordingSession Alice() => new(1, "alice");

    private static RecordingSession Bob() => new(2, "bob");

    private static RecordingSession Carol() => new(3, "carol");

    [Fact]
    public void FirstSession_AnnouncesOnlineToOthersOnly()
    {
        var bob = Bob();
        _hub.Join(bob);
        var alice = Alice();

        _hub.Join(alice);

        Assert.Equal([new PresenceChanged("alice", true)], bob.Events);
        Assert.Empty(alice.Events);
    }

    [Fact]
    public void SecondSessionOfAUser_AnnouncesNothing()
    {
        var bob = Bob();
        _hub.Join(Alice());
        _hub.Join(bob);
        var aliceFirst = Alice();
        _hub.Join(aliceFirst);
        bob.Events.Clear();

        _hub.Join(Alice());

        Assert.Empty(bob.Events);
        Assert.Empty(aliceFirst.Events);
    }

    [Fact]
    public void LastSessionLeaving_AnnouncesOfflineToOthersOnly()
    {
        var bob = Bob();
        var alice = Alice();
        _hub.Join(bob);
        _hub.Join(alice);
        bob.Events.Clear();

        _hub.Leave(alice);

        Assert.Equal([new PresenceChanged("alice", false)], bob.Events);
        Assert.Empty(alice.Events);
        Assert.False(_hub.IsOnline(1));
    }

    [Fact]
    public void OneOfSeveralSessionsLeaving_AnnouncesNothing()
    {
        var bob = Bob();
        var alicePhone = Alice();
        _hub.Join(bob);
        _hub.Join(alicePhone);
        _hub.Join(Alice());
        bob.Events.Clear();

        _hub.Leave(alicePhone);

        Assert.Empty(bob.Events);
        Assert.True(_hub.IsOnline(1));
    }

    [Fact]
    public void LeavingTwice_AnnouncesOnce()
    {
        var bob = Bob();
        var alice = Alice();
        _hub.Join(bob);
        _hub.Join(alice);
        bob.Events.Clear();

        _hub.Leave(alice);
        _hub.Leave(alice);

        Assert.Single(bob.Events);
    }

    [Fact]
    public void SessionCounts_FollowJoinsAndLeaves()
    {
        var alice1 = Alice();
        var alice2 = Alice();
        _hub.Join(alice1);
        _hub.Join(alice2);
        _hub.Join(Bob());

        Assert.Equal(3, _hub.SessionCount);
        Assert.Equal(2, _hub.Online().Single(u => u.Name == "alice").Sessions);

        _hub.Leave(alice1);
        Assert.Equal(2, _hub.SessionCount);
        Assert.Equal(1, _hub.Online().Single(u => u.Name == "alice").Sessions);
    }

    [Fact]
    public void Online_ListsUsersByNameWithTheirFirstJoinTime()
    {
        var start = _time.GetUtcNow();
        _hub.Join(Carol());
        _time.Advance(TimeSpan.FromMinutes(1));
        _hub.Join(Alice());
        _time.Advance(TimeSpan.FromMinutes(1));
        _hub.Join(Bob());
        _hub.Join(Alice());

        var online = _hub.Online();

        Assert.Equal(["alice", "bob", "carol"], online.Select(u => u.Name));
        Assert.Equal(start.AddMinutes(1), online[0].Since);
        Assert.Equal(start, online[2].Since);
    }

    [Fact]
    public void Publish_ReachesEverySessionOfTheAccountAndNoOther()
    {
        var alice1 = Alice();
        var alice2 = Alice();
        var bob = Bob();
        _hub.Join(bob);
        _hub.Join(alice1);
        _hub.Join(alice2);
        bob.Events.Clear();
        var removed = new MessageRemoved(41, "Trash", 3);

        _hub.Publish(1, removed);

        Assert.Equal([removed], alice1.Events);
        Assert.Equal([removed], alice2.Events);
        Assert.Empty(bob.Events);
    }

    [Fact]
    public void Publish_ToOfflineAccount_DoesNothing()
    {
        var bob = Bob();
        _hub.Join(bob);

        _hub.Publish(1, new MessageRemoved(1, "Inbox", 1));

        Assert.Empty(bob.Events);
    }

    [Fact]
    public void Broadcast_ReachesEveryoneButTheExcepted()
    {
        var alice = Alice();
        var bob = Bob();
        var carol = Carol();
        _hub.Join(alice);
        _hub.Join(bob);
        _hub.Join(carol);
        alice.Events.Clear();
        bob.Events.Clear();
        carol.Events.Clear();
        var serverEvent = new PresenceChanged("x", true);

        _hub.Broadcast(serverEvent, except: 2);

        Assert.Equal([serverEvent], alice.Events);
        Assert.Empty(bob.Events);
        Assert.Equal([serverEvent], carol.Events);
    }

    [Fact]
    public void Watcher_HearsItsAccountsMail_ButIsNotOnline()
    {
        var bob = Bob();
        _hub.Join(bob);
        bob.Events.Clear();
        var mailProgram = Alice();

        _hub.Watch(mailProgram);
        var arrived = new MessageRemoved(7, "Inbox", 3);
        _hub.Publish(1, arrived);
        _hub.Publish(2, new MessageRemoved(8, "Inbox", 4));

        Assert.Equal([arrived], mailProgram.Events);
        Assert.Empty(bob.Events.OfType<PresenceChanged>());
        Assert.False(_hub.IsOnline(1));
        Assert.DoesNotContain(_hub.Online(), u => u.Name == "alice");

        _hub.Unwatch(mailProgram);
        _hub.Publish(1, new MessageRemoved(9, "Inbox", 5));
        Assert.Equal([arrived], mailProgram.Events);
        Assert.Empty(bob.Events.OfType<PresenceChanged>());
    }
}
