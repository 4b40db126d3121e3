using System.Globalization;
using Carteiro.Benchmarks.Store;

namespace Carteiro.Benchmarks.BigStore;

/// <summary>
/// One thing a client asks of a big mailbox, through one protocol: runs it and answers how many
/// items came back, which is checked against what the seeded corpus must give. <c>repetition</c>
/// is 0 for the first request after a start and counts up in repeated runs; the list queries use
/// it to ask for a page the API's page cache has not seen, so that they measure the store.
/// </summary>
internal sealed record StoreQuery(string Key, string What, string Protocol, string Request, int Expected, bool AfterStart,
    Func<StoreClients, int, CancellationToken, Task<int>> Run)
{
    private const int Page = 50;

    /// <summary>At most this many repeated requests (for the slow ones), whatever the run asks for.</summary>
    public int MostRepeats { get; init; } = int.MaxValue;

    /// <summary>The queries for a seeded mailbox of <paramref name="messages"/> messages.</summary>
    public static IReadOnlyList<StoreQuery> For(int messages)
    {
        // Bob's inbox holds UIDs 1…messages, newest last: a UID past the end asks for the first page.
        long past = messages + 1L;
        long middle = messages / 2 + 1L;
        int firstPage = Math.Min(Page, messages);
        var queries = new List<StoreQuery>
        {
            new("folders/native", "folders and unread counts", "native", "FOLDERS", messages, true,
                async (c, _, t) => (await c.Native.FoldersAsync(t)).Single(f => f.Name == "Inbox").Total),
            new("folders/api", "folders and unread counts", "api", "GET /api/folders", messages, true,
                async (c, _, t) => InboxTotal(await c.GetJsonAsync("api/folders", t))),
            new("inbox/native", "first inbox page (50)", "native", "LIST Inbox LIMIT 50", firstPage, true,
                async (c, _, t) => (await c.Native.ListAsync("Inbox", Page, cancellationToken: t)).Items.Count),
            new("inbox/api", "first inbox page (50), not cached", "api",
                "GET /api/folders/Inbox/messages?limit=50 (repeats add before=<past the last UID>, new each time: not cached)", firstPage, true,
                async (c, n, t) => Items(await c.GetJsonAsync(ListPath(n == 0 ? null : past + n), t))),
            new("inbox/api-cached", "first inbox page (50), same URL again", "api",
                "GET /api/folders/Inbox/messages?limit=50 (the API's page cache answers)", firstPage, false,
                async (c, _, t) => Items(await c.GetJsonAsync(ListPath(null), t))),
            new("deep/native", "a page in the middle, by UID", "native", "LIST Inbox LIMIT 50 BEFORE <middle UID>", firstPage, true,
                async (c, n, t) => (await c.Native.ListAsync("Inbox", Page, beforeUid: middle - n, cancellationToken: t)).Items.Count),
            new("deep/api", "a page in the middle, by UID", "api", "GET /api/folders/Inbox/messages?limit=50&before=<middle UID>", firstPage, true,
                async (c, n, t) => Items(await c.GetJsonAsync(ListPath(middle - n), t))),
            new("offset/native", "a page in the middle, by OFFSET", "native", "LIST Inbox LIMIT 50 OFFSET <half the folder>", firstPage, true,
                async (c, n, t) => (await c.Native.ListAsync("Inbox", Page, offset: messages / 2 - n, cancellationToken: t)).Items.Count),
        };
        // The same rare word, asking for one result only: SQLite plans the search differently for a
        // small LIMIT (every entry of the account, then the index for each), which does not scale.
        var rare = SeedCorpus.Markers(messages)[0];
        queries.Add(new("search-rare-1/native", $"search, rare word ({rare.Hits:N0} hits), first 1", "native", $"SEARCH {rare.Word} LIMIT 1",
            Math.Min(1, rare.Hits), false, async (c, _, t) => (await c.Native.SearchAsync(rare.Word, limit: 1, cancellationToken: t)).Count) { MostRepeats = 3 });
        queries.Add(new("search-rare-1/api", $"search, rare word ({rare.Hits:N0} hits), first 1", "api", $"GET /api/search?q={rare.Word}&limit=1",
            Math.Min(1, rare.Hits), false, async (c, _, t) => Items(await c.GetJsonAsync($"api/search?q={Uri.EscapeDataString(rare.Word)}&limit=1", t))) { MostRepeats = 3 });
        foreach (var marker in SeedCorpus.Markers(messages))
        {
            int expected = Math.Min(Page, marker.Hits);
            string what = $"search, {marker.Name} word ({marker.Hits:N0} hits), first 50";
            queries.Add(new($"search-{marker.Name}/native", what, "native", $"SEARCH {marker.Word} LIMIT 50", expected, true,
                async (c, _, t) => (await c.Native.SearchAsync(marker.Word, limit: Page, cancellationToken: t)).Count));
            queries.Add(new($"search-{marker.Name}/api", what, "api", $"GET /api/search?q={marker.Word}&limit=50", expected, true,
                async (c, _, t) => Items(await c.GetJsonAsync($"api/search?q={Uri.EscapeDataString(marker.Word)}&limit={Page}", t))));
        }

        return queries;
    }

    private static string ListPath(long? before) =>
        "api/folders/Inbox/messages?limit=" + Page.ToString(CultureInfo.InvariantCulture) +
        (before is long uid ? "&before=" + uid.ToString(CultureInfo.InvariantCulture) : "");

    private static int Items(System.Text.Json.JsonDocument answer)
    {
        using (answer)
        {
            return answer.RootElement.GetProperty("items").GetArrayLength();
        }
    }

    private static int InboxTotal(System.Text.Json.JsonDocument answer)
    {
        using (answer)
        {
            return answer.RootElement.EnumerateArray().Single(f => f.GetProperty("name").GetString() == "Inbox").GetProperty("total").GetInt32();
        }
    }
}
