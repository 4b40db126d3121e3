using System.Diagnostics;
using System.Text;
using Carteiro.Client;
using Carteiro.MailDoors.Tests.Support;
using Carteiro.TestKit;
using MailKit;
using MailKit.Net.Imap;
using MailKit.Search;
using MailKit.Security;
using MimeKit;

namespace Carteiro.MailDoors.Tests;

/// <summary>IMAP with MailKit's ImapClient: the same store and accounts as every other door.</summary>
public sealed class ImapTests(MailFixture fixture) : IClassFixture<MailFixture>
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    // bob's Inbox gets the given subjects from alice, oldest first.
    private async Task<(string Alice, string Bob)> InboxWithAsync(params string[] subjects)
    {
        string alice = await fixture.UserAsync("alice");
        string bob = await fixture.UserAsync("bob");
        await using var alicesDevice = await fixture.NativeAsync(alice);
        foreach (string subject in subjects)
        {
            await alicesDevice.SendAsync(new OutgoingMail { To = [bob], Subject = subject, Body = $"Body of {subject}" }, Token);
        }

        return (alice, bob);
    }

    [Theory]
    [InlineData(SecureSocketOptions.None)]
    [InlineData(SecureSocketOptions.StartTls)]
    [InlineData(SecureSocketOptions.SslOnConnect)]
    public async Task SignsIn_OverPlainStartTlsAndImplicitTls_AndShowsTheStandardFolders(SecureSocketOptions security)
    {
        var (_, bob) = await InboxWithAsync("hello");
        using var imap = await fixture.ImapAsync(fixture.Address(bob), security);

        Assert.True(imap.Capabilities.HasFlag(ImapCapabilities.Idle));
        Assert.True(imap.Capabilities.HasFlag(ImapCapabilities.UidPlus));
        Assert.True(imap.Capabilities.HasFlag(ImapCapabilities.Move));
        Assert.True(imap.Capabilities.HasFlag(ImapCapabilities.CondStore));
        Assert.True(imap.Capabilities.HasFlag(ImapCapabilities.SpecialUse));
        Assert.True(imap.Capabilities.HasFlag(ImapCapabilities.LiteralPlus));
        Assert.Equal(security != SecureSocketOptions.None, imap.IsSecure);
        var inbox = imap.Inbox;
        await inbox.OpenAsync(FolderAccess.ReadOnly, Token);
        Assert.Equal(1, inbox.Count);
        var sent = imap.GetFolder(SpecialFolder.Sent);
        var trash = imap.GetFolder(SpecialFolder.Trash);
        Assert.Equal(("Sent", "Trash"), (sent?.FullName, trash?.FullName));
        var all = await imap.GetFoldersAsync(imap.PersonalNamespaces[0], cancellationToken: Token);
        Assert.Contains(all, f => f.FullName == "INBOX");
        await imap.DisconnectAsync(true, Token);
    }

    [Fact]
    public async Task WrongPassword_IsRefused()
    {
        var (_, bob) = await InboxWithAsync();
        using var imap = await fixture.ImapAsync(null);
        await Assert.ThrowsAsync<AuthenticationException>(() => imap.AuthenticateAsync(bob, "not the password", Token));
        Assert.False(imap.IsAuthenticated);
    }

    [Fact]
    public async Task Fetch_ServesTheStoredDocument_WithEnvelopeStructureAndUidsOfTheCoreModel()
    {
        var (alice, bob) = await InboxWithAsync("first", "second");
        await using var bobsDevice = await fixture.NativeAsync(bob);
        var listed = (await bobsDevice.ListAsync("Inbox", cancellationToken: Token)).Items.OrderBy(m => m.Uid).ToList();
        using var imap = await fixture.ImapAsync(bob);
        var inbox = imap.Inbox;
        await inbox.OpenAsync(FolderAccess.ReadWrite, Token);

        var summaries = await inbox.FetchAsync(0, -1, MessageSummaryItems.UniqueId | MessageSummaryItems.Envelope | MessageSummaryItems.Flags
            | MessageSummaryItems.Size | MessageSummaryItems.BodyStructure | MessageSummaryItems.InternalDate | MessageSummaryItems.ModSeq, Token);

        Assert.Equal(listed.Select(m => (uint)m.Uid), summaries.Select(s => s.UniqueId.Id));
        Assert.Equal(["first", "second"], summaries.Select(s => s.Envelope!.Subject));
        Assert.Equal(fixture.Address(alice), summaries[0].Envelope!.From.Mailboxes.Single().Address);
        Assert.Equal(fixture.Address(bob), summaries[0].Envelope!.To.Mailboxes.Single().Address);
        Assert.Equal(listed.Select(m => (uint?)m.Size), summaries.Select(s => s.Size));
        Assert.All(summaries, s => Assert.Equal(MessageFlags.None, s.Flags));
        Assert.Equal("text/plain", summaries[0].Body!.ContentType.MimeType);
        Assert.True(summaries[0].ModSeq > 0);

        // The bytes are the stored document's; MailKit reads with BODY.PEEK, which leaves it unread.
        var raw = await bobsDevice.RawAsync(listed[0].Id, Token);
        using var body = await inbox.GetStreamAsync(summaries[0].UniqueId, "", Token);
        using var copy = new MemoryStream();
        await body.CopyToAsync(copy, Token);
        Assert.Equal(raw, copy.ToArray());
        Assert.False((await bobsDevice.ReadAsync(listed[0].Id, peek: true, cancellationToken: Token)).Summary.Seen);
        var message = await inbox.GetMessageAsync(summaries[1].UniqueId, Token);
        Assert.Equal("Body of second", message.TextBody?.Trim());
    }

    [Fact]
    public async Task Uids_AndUidValidity_StayTheSameAcrossSessions()
    {
        var (_, bob) = await InboxWithAsync("one", "two");
        uint validity;
        IList<UniqueId> first;
        using (var imap = await fixture.ImapAsync(bob))
        {
            await imap.Inbox.OpenAsync(FolderAccess.ReadOnly, Token);
            validity = imap.Inbox.UidValidity;
            first = await imap.Inbox.SearchAsync(SearchQuery.All, Token);
        }

        using var again = await fixture.ImapAsync(bob);
        await again.Inbox.OpenAsync(FolderAccess.ReadOnly, Token);
        Assert.Equal(validity, again.Inbox.UidValidity);
        Assert.Equal(first, await again.Inbox.SearchAsync(SearchQuery.All, Token));
        Assert.Equal(first[^1].Id + 1, again.Inbox.UidNext?.Id);
    }

    [Fact]
    public async Task NativeSend_WakesAnIdleClient_WellUnderASecond()
    {
        var (alice, bob) = await InboxWithAsync("before");
        using var imap = await fixture.ImapAsync(bob);
        var inbox = imap.Inbox;
        await inbox.OpenAsync(FolderAccess.ReadOnly, Token);
        Assert.Equal(1, inbox.Count);

        var arrived = new TaskCompletionSource<TimeSpan>(TaskCreationOptions.RunContinuationsAsynchronously);
        var clock = new Stopwatch();
        inbox.CountChanged += (_, _) => arrived.TrySetResult(clock.Elapsed);
        using var done = new CancellationTokenSource();
        var idle = imap.IdleAsync(done.Token, Token);
        await Task.Delay(200, Token);

        await using var alicesDevice = await fixture.NativeAsync(alice);
        clock.Start();
        await alicesDevice.SendAsync(new OutgoingMail { To = [bob], Subject = "wake up", Body = "now" }, Token);
        var elapsed = await arrived.Task.WaitAsync(Patience, Token);
        await done.CancelAsync();
        await idle;

        Assert.True(elapsed < TimeSpan.FromSeconds(1), $"IDLE woke after {elapsed.TotalMilliseconds} ms");
        Assert.Equal(2, inbox.Count);
        var newest = await inbox.FetchAsync(1, 1, MessageSummaryItems.Envelope, Token);
        Assert.Equal("wake up", newest[0].Envelope!.Subject);
    }

    [Fact]
    public async Task Flags_SetOverImap_ShowNatively_AndNativeChanges_ReachAnIdleClient()
    {
        var (_, bob) = await InboxWithAsync("flag me", "read me");
        await using var bobsDevice = await fixture.NativeAsync(bob);
        var listed = (await bobsDevice.ListAsync("Inbox", cancellationToken: Token)).Items.OrderBy(m => m.Uid).ToList();
        using var imap = await fixture.ImapAsync(bob);
        var inbox = imap.Inbox;
        await inbox.OpenAsync(FolderAccess.ReadWrite, Token);
        var uids = await inbox.SearchAsync(SearchQuery.All, Token);

        var updated = ClientEvents.NextAsync<UpdateEvent>(bobsDevice, e => e.Message.Id == listed[0].Id && e.Message.Flagged, Patience);
        await inbox.AddFlagsAsync(uids[0], MessageFlags.Flagged, true, Token);
        await updated;
        Assert.True((await bobsDevice.ReadAsync(listed[0].Id, peek: true, cancellationToken: Token)).Summary.Flagged);

        var changed = new TaskCompletionSource<MessageFlags>(TaskCreationOptions.RunContinuationsAsynchronously);
        inbox.MessageFlagsChanged += (_, e) =>
        {
            if (e.Index == 1)
            {
                changed.TrySetResult(e.Flags);
            }
        };
        using var done = new CancellationTokenSource();
        var idle = imap.IdleAsync(done.Token, Token);
        await Task.Delay(200, Token);
        await bobsDevice.FlagAsync(listed[1].Id, ["+seen"], Token);
        Assert.Equal(MessageFlags.Seen, await changed.Task.WaitAsync(Patience, Token));
        await done.CancelAsync();
        await idle;
    }

    [Fact]
    public async Task DeleteAndExpunge_RemovesForGood_AndNativeDeletes_ReachAnIdleClientAsExpunge()
    {
        var (_, bob) = await InboxWithAsync("doomed", "kept", "removed natively");
        await using var bobsDevice = await fixture.NativeAsync(bob);
        var listed = (await bobsDevice.ListAsync("Inbox", cancellationToken: Token)).Items.OrderBy(m => m.Uid).ToList();
        using var imap = await fixture.ImapAsync(bob);
        var inbox = imap.Inbox;
        await inbox.OpenAsync(FolderAccess.ReadWrite, Token);
        var uids = await inbox.SearchAsync(SearchQuery.All, Token);

        var removed = ClientEvents.NextAsync<RemovedEvent>(bobsDevice, e => e.Id == listed[0].Id, Patience);
        await inbox.AddFlagsAsync(uids[0], MessageFlags.Deleted, true, Token);
        await inbox.ExpungeAsync(Token);
        await removed;
        Assert.Equal(2, inbox.Count);

        var expunged = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        inbox.MessageExpunged += (_, e) => expunged.TrySetResult(e.Index);
        using var done = new CancellationTokenSource();
        var idle = imap.IdleAsync(done.Token, Token);
        await Task.Delay(200, Token);
        await bobsDevice.DeleteAsync(listed[2].Id, purge: true, Token);
        Assert.Equal(1, await expunged.Task.WaitAsync(Patience, Token));
        await done.CancelAsync();
        await idle;
        Assert.Equal(1, inbox.Count);
        var left = await inbox.FetchAsync(0, -1, MessageSummaryItems.Envelope, Token);
        Assert.Equal("kept", left.Single().Envelope!.Subject);
    }

    [Fact]
    public async Task Move_ToTrash_GivesCopyUid_AndTheWebAndNativeSeeTheMessageThere()
    {
        var (_, bob) = await InboxWithAsync("to trash", "stays");
        using var imap = await fixture.ImapAsync(bob);
        var inbox = imap.Inbox;
        await inbox.OpenAsync(FolderAccess.ReadWrite, Token);
        var uids = await inbox.SearchAsync(SearchQuery.SubjectContains("trash"), Token);
        var trash = imap.GetFolder(SpecialFolder.Trash)!;

        var moved = await inbox.MoveToAsync(uids[0], trash, Token);

        Assert.NotNull(moved);
        Assert.Equal(1, inbox.Count);
        await using var bobsDevice = await fixture.NativeAsync(bob);
        var inTrash = (await bobsDevice.ListAsync("Trash", cancellationToken: Token)).Items.Single();
        Assert.Equal(("to trash", (long)moved!.Value.Id), (inTrash.Subject, inTrash.Uid));
    }

    [Fact]
    public async Task Copy_FilesTheMessageAgain_WithNewUidsAndTheSameBytes()
    {
        var (_, bob) = await InboxWithAsync("copy me");
        using var imap = await fixture.ImapAsync(bob);
        var archive = await imap.GetFolder(imap.PersonalNamespaces[0]).CreateAsync("Archive", true, Token);
        var inbox = imap.Inbox;
        await inbox.OpenAsync(FolderAccess.ReadWrite, Token);
        var uids = await inbox.SearchAsync(SearchQuery.All, Token);

        var copied = await inbox.CopyToAsync(uids, archive!, Token);

        Assert.Equal(1, inbox.Count);
        Assert.Single(copied.Destination);
        var original = await inbox.GetMessageAsync(uids[0], Token);
        await archive!.OpenAsync(FolderAccess.ReadOnly, Token);
        var again = await archive.GetMessageAsync(copied.Destination[0], Token);
        Assert.Equal(original.MessageId, again.MessageId);
        Assert.Equal(copied.Destination[0].Validity, archive!.UidValidity);
    }

    [Fact]
    public async Task Append_FilesADraft_AndTheSentCopyOfAMailSentOverSmtp_IsNotStoredTwice()
    {
        var (alice, bob) = await InboxWithAsync();
        using var imap = await fixture.ImapAsync(alice);
        var drafts = await imap.GetFolder(imap.PersonalNamespaces[0]).CreateAsync("Drafts", true, Token);
        var draft = new MimeMessage();
        draft.From.Add(MailboxAddress.Parse(fixture.Address(alice)));
        draft.To.Add(MailboxAddress.Parse(fixture.Address(bob)));
        draft.Subject = "unfinished ✎";
        draft.Body = new TextPart("plain") { Text = "Dear bob," };

        var uid = await drafts!.AppendAsync(new AppendRequest(draft, MessageFlags.Draft | MessageFlags.Seen), Token);

        Assert.NotNull(uid);
        await drafts.OpenAsync(FolderAccess.ReadOnly, Token);
        var stored = await drafts.FetchAsync([uid!.Value], MessageSummaryItems.Flags | MessageSummaryItems.Envelope, Token);
        Assert.Equal(MessageFlags.Draft | MessageFlags.Seen, stored[0].Flags);
        Assert.Equal("unfinished ✎", stored[0].Envelope!.Subject);
        using (var another = await fixture.ImapAsync(alice))
        {
            Assert.Equal("Drafts", another.GetFolder(SpecialFolder.Drafts)?.FullName);
        }

        // A mail program sends over SMTP, then saves its copy to Sent: the server filed one already.
        var mail = new MimeMessage();
        mail.From.Add(MailboxAddress.Parse(fixture.Address(alice)));
        mail.To.Add(MailboxAddress.Parse(fixture.Address(bob)));
        mail.Subject = "sent once";
        mail.Body = new TextPart("plain") { Text = "hi" };
        using (var smtp = await fixture.SmtpAsync(alice))
        {
            await smtp.SendAsync(mail, Token);
        }

        var sent = imap.GetFolder(SpecialFolder.Sent)!;
        await sent.OpenAsync(FolderAccess.ReadOnly, Token);
        int before = sent.Count;
        var again = await sent.AppendAsync(new AppendRequest(mail, MessageFlags.Seen), Token);
        await sent.CheckAsync(Token);
        Assert.Equal(before, sent.Count);
        var all = await sent.SearchAsync(SearchQuery.HeaderContains("Message-ID", mail.MessageId!), Token);
        Assert.Equal([again!.Value], all);
    }

    [Fact]
    public async Task Search_FindsByFlagsHeadersTextAndUids()
    {
        var (alice, bob) = await InboxWithAsync("apples and pears", "bananas", "cherries");
        using var imap = await fixture.ImapAsync(bob);
        var inbox = imap.Inbox;
        await inbox.OpenAsync(FolderAccess.ReadWrite, Token);
        var all = await inbox.SearchAsync(SearchQuery.All, Token);
        await inbox.AddFlagsAsync(all[1], MessageFlags.Seen, true, Token);

        Assert.Equal([all[0]], await inbox.SearchAsync(SearchQuery.SubjectContains("PEARS"), Token));
        Assert.Equal([all[2]], await inbox.SearchAsync(SearchQuery.BodyContains("of cherries"), Token));
        Assert.Equal([all[1]], await inbox.SearchAsync(SearchQuery.Seen, Token));
        Assert.Equal([all[0], all[2]], await inbox.SearchAsync(SearchQuery.NotSeen, Token));
        Assert.Equal(all, await inbox.SearchAsync(SearchQuery.FromContains(alice), Token));
        Assert.Equal([all[0], all[1]], await inbox.SearchAsync(SearchQuery.Uids([all[0], all[1]]), Token));
        Assert.Equal([all[2]], await inbox.SearchAsync(SearchQuery.Not(SearchQuery.Uids([all[0], all[1]])), Token));
        Assert.Equal(all, await inbox.SearchAsync(SearchQuery.DeliveredAfter(DateTime.UtcNow.AddDays(-1)), Token));
        Assert.Empty(await inbox.SearchAsync(SearchQuery.SubjectContains("durian"), Token));
        Assert.Equal([all[1], all[2]], await inbox.SearchAsync(SearchQuery.Or(SearchQuery.SubjectContains("banana"), SearchQuery.MessageContains("cherries")), Token));
    }

    [Fact]
    public async Task CondStore_ReportsOnlyWhatChanged_AndRefusesAStoreOverAChange()
    {
        var (_, bob) = await InboxWithAsync("a", "b", "c");
        using var imap = await fixture.ImapAsync(bob);
        var inbox = imap.Inbox;
        await inbox.OpenAsync(FolderAccess.ReadWrite, Token);
        ulong highest = inbox.HighestModSeq;
        var all = await inbox.SearchAsync(SearchQuery.All, Token);

        await inbox.AddFlagsAsync(all[2], MessageFlags.Flagged, true, Token);
        var changed = await inbox.FetchAsync(all, new FetchRequest(MessageSummaryItems.Flags) { ChangedSince = highest }, Token);
        Assert.Equal([all[2]], changed.Select(c => c.UniqueId));

        var unchanged = await inbox.StoreAsync(all, new StoreFlagsRequest(StoreAction.Add, MessageFlags.Seen) { UnchangedSince = highest, Silent = true }, Token);
        Assert.Equal([all[2]], unchanged);
    }

    [Fact]
    public async Task Folders_CreateRenameSubscribeAndDelete_WithHierarchyAndUnicodeNames()
    {
        var (_, bob) = await InboxWithAsync();
        using var imap = await fixture.ImapAsync(bob);
        var root = imap.GetFolder(imap.PersonalNamespaces[0]);

        var projects = await root.CreateAsync("Projetos ação", true, Token);
        var year = await projects!.CreateAsync("2026", true, Token);
        Assert.Equal("Projetos ação/2026", year!.FullName);
        await year.SubscribeAsync(Token);
        await year.RenameAsync(projects, "2027", Token);

        var names = (await root.GetSubfoldersAsync(false, Token)).Select(f => f.FullName).ToList();
        Assert.Contains("Projetos ação", names);
        var children = await projects.GetSubfoldersAsync(false, Token);
        Assert.Equal(["Projetos ação/2027"], children.Select(f => f.FullName));
        await using var bobsDevice = await fixture.NativeAsync(bob);
        Assert.Contains(await bobsDevice.FoldersAsync(Token), f => f.Name == "Projetos ação/2027");

        // Subscriptions (LSUB and LIST (SUBSCRIBED)) are kept.
        Assert.Contains(await projects.GetSubfoldersAsync(true, Token), f => f.FullName == "Projetos ação/2027");
        await year.UnsubscribeAsync(Token);
        Assert.DoesNotContain(await projects.GetSubfoldersAsync(true, Token), f => f.FullName == "Projetos ação/2027");

        await year.DeleteAsync(Token);
        Assert.Empty(await projects.GetSubfoldersAsync(false, Token));
        var inboxDelete = await Assert.ThrowsAsync<ImapCommandException>(() => imap.GetFolder(SpecialFolder.Sent)!.DeleteAsync(Token));
        Assert.Equal(ImapCommandResponse.No, inboxDelete.Response);
    }

    [Fact]
    public async Task SmtpIn_ThenImapFetch_ServesExactlyWhatWasSubmitted()
    {
        var (alice, bob) = await InboxWithAsync();
        string document = $"From: {fixture.Address(alice)}\r\nTo: {fixture.Address(bob)}\r\nSubject: =?UTF-8?B?{Convert.ToBase64String(Encoding.UTF8.GetBytes("Olá"))}?=\r\n"
            + $"Date: Wed, 25 Nov 2026 10:00:00 +0000\r\nMessage-ID: <exact-{Guid.NewGuid():N}@test>\r\nMIME-Version: 1.0\r\n"
            + "Content-Type: multipart/alternative; boundary=\"b1\"\r\n\r\n--b1\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nplain\r\n"
            + "--b1\r\nContent-Type: text/html; charset=utf-8\r\n\r\n<p>html</p>\r\n--b1--\r\n";
        using (var smtp = await fixture.SmtpAsync(alice))
        {
            using var stream = new MemoryStream(Encoding.UTF8.GetBytes(document));
            await smtp.SendAsync(await MimeMessage.LoadAsync(stream, Token), Token);
        }

        using var imap = await fixture.ImapAsync(bob);
        await imap.Inbox.OpenAsync(FolderAccess.ReadOnly, Token);
        var summary = (await imap.Inbox.FetchAsync(0, -1, MessageSummaryItems.UniqueId | MessageSummaryItems.BodyStructure | MessageSummaryItems.Envelope, Token)).Single();
        Assert.Equal("Olá", summary.Envelope!.Subject);
        var multipart = Assert.IsType<BodyPartMultipart>(summary.Body);
        Assert.Equal("alternative", multipart.ContentType.MediaSubtype);
        Assert.Equal(["text/plain", "text/html"], multipart.BodyParts.Select(p => p.ContentType.MimeType));
        var html = await imap.Inbox.GetBodyPartAsync(summary.UniqueId, multipart.BodyParts[1], Token);
        Assert.Equal("<p>html</p>", ((TextPart)html).Text.Trim());
    }

    [Fact]
    public async Task LargeMessage_AppendedAndFetched_ByteForByte_WholeAndInPart()
    {
        var (alice, _) = await InboxWithAsync();
        var random = new Random(7);
        var lines = new StringBuilder($"From: {fixture.Address(alice)}\r\nSubject: big\r\n\r\n");
        while (lines.Length < 1_000_000)
        {
            lines.Append(random.NextInt64().ToString("x16", System.Globalization.CultureInfo.InvariantCulture)).Append("\r\n");
        }

        byte[] document = Encoding.ASCII.GetBytes(lines.ToString());
        using var imap = await fixture.ImapAsync(alice);
        using var input = new MemoryStream(document);
        var uid = await imap.Inbox.AppendAsync(new AppendRequest(await MimeMessage.LoadAsync(input, Token)), Token);
        await imap.Inbox.OpenAsync(FolderAccess.ReadOnly, Token);

        using var whole = await imap.Inbox.GetStreamAsync(uid!.Value, "", Token);
        using var copy = new MemoryStream();
        await whole.CopyToAsync(copy, Token);
        using var part = await imap.Inbox.GetStreamAsync(uid.Value, "", 500_000, 1000, Token);
        using var partCopy = new MemoryStream();
        await part.CopyToAsync(partCopy, Token);

        Assert.Equal(document.Length, copy.Length);
        Assert.Equal(document, copy.ToArray());
        Assert.Equal(document.AsSpan(500_000, 1000).ToArray(), partCopy.ToArray());
    }
}
