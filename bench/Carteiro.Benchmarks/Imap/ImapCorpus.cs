using System.Globalization;
using System.Text;

namespace Carteiro.Benchmarks.Imap;

/// <summary>
/// The messages both servers are seeded with: RFC 5322, 7-bit text, 1–2 KiB each, with varied
/// senders, recipients, subjects and body words. Message <c>i</c> depends only on <c>i</c>, so
/// every server gets the same bytes in the same order. One message in a hundred carries
/// <see cref="Needle"/> in its body, so <c>SEARCH TEXT</c> for it finds a known number.
/// </summary>
internal static class ImapCorpus
{
    /// <summary>The word <c>SEARCH TEXT</c> looks for: in the body of messages 42, 142, 242, …</summary>
    public const string Needle = "zanzibar";

    private static readonly string[] FirstNames =
    [
        "Ana", "Bruno", "Carla", "Diego", "Elena", "Fabio", "Gabriela", "Hugo", "Ines", "Joao", "Karin", "Luis", "Marta", "Nuno",
        "Olga", "Pedro", "Quenia", "Rita", "Sergio", "Tania", "Ulisses", "Vera", "Walter", "Xenia", "Yara", "Zeca", "Alice", "Bob",
    ];

    private static readonly string[] LastNames =
    [
        "Silva", "Santos", "Oliveira", "Souza", "Pereira", "Costa", "Ferreira", "Almeida", "Ribeiro", "Carvalho", "Gomes", "Martins",
        "Rocha", "Lopes", "Mendes", "Barros", "Freitas", "Moreira", "Cardoso", "Teixeira", "Nunes", "Moura", "Pinto", "Vieira",
    ];

    private static readonly string[] Domains =
    [
        "example.com", "example.org", "example.net", "mail.example.com", "lists.example.org", "corp.example", "uni.example.edu", "home.example",
    ];

    private static readonly string[] Words =
    [
        "about", "above", "account", "after", "again", "agenda", "agreement", "already", "answer", "april", "attached", "budget",
        "build", "change", "client", "contract", "could", "customer", "daily", "deadline", "delivery", "design", "details", "draft",
        "early", "estimate", "event", "expected", "feedback", "figures", "final", "follow", "friday", "further", "group", "happy",
        "holiday", "idea", "invoice", "issue", "later", "launch", "letter", "meeting", "minutes", "monday", "month", "morning",
        "network", "notes", "number", "office", "order", "other", "people", "period", "photos", "plan", "please", "project",
        "proposal", "quarter", "question", "quick", "receipt", "release", "report", "request", "review", "schedule", "second",
        "server", "service", "shipment", "should", "signed", "soon", "status", "storage", "summary", "support", "system", "table",
        "team", "thanks", "there", "think", "ticket", "today", "tomorrow", "travel", "tuesday", "update", "version", "weekend",
        "where", "which", "window", "work", "would", "write", "year", "yesterday", "coffee", "garden", "harbour", "kitchen",
        "lantern", "marble", "orchard", "pepper", "river", "saddle", "timber", "velvet", "walnut", "meadow", "canvas", "copper",
    ];

    private static readonly string[] Days = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];

    private static readonly DateTimeOffset Start = new(2026, 1, 5, 8, 0, 0, TimeSpan.Zero);

    /// <summary>Flags the seeded message <paramref name="index"/> is appended with (IMAP syntax, space-delimited).</summary>
    public static string Flags(int index) => (index % 3 == 0, index % 17 == 0) switch
    {
        (true, true) => "\\Seen \\Flagged",
        (true, false) => "\\Seen",
        (false, true) => "\\Flagged",
        _ => "",
    };

    /// <summary>The seeded message number <paramref name="index"/> (from 0).</summary>
    public static byte[] Message(int index)
    {
        var random = new SplitMix((ulong)index * 0x9E3779B97F4A7C15UL + 12345);
        int size = 1024 + random.Next(1025);
        var text = new StringBuilder(size + 128);
        var date = Start.AddMinutes(index * 7L + random.Next(7));
        text.Append(CultureInfo.InvariantCulture, $"Date: {Days[((int)date.DayOfWeek + 6) % 7]}, {date:dd MMM yyyy HH:mm:ss} +0000\r\n");
        text.Append("From: ").Append(Person(ref random)).Append("\r\n");
        text.Append("To: ").Append(Person(ref random));
        for (int extra = random.Next(3); extra > 0; extra--)
        {
            text.Append(",\r\n ").Append(Person(ref random));
        }

        text.Append("\r\n");
        if (random.Next(5) == 0)
        {
            text.Append("Cc: ").Append(Person(ref random)).Append("\r\n");
        }

        bool reply = index > 0 && random.Next(4) == 0;
        text.Append("Subject: ").Append(reply ? "Re: " : "").Append(Phrase(ref random, 3 + random.Next(6), capitalise: true)).Append("\r\n");
        text.Append(CultureInfo.InvariantCulture, $"Message-ID: <bench.{index}.{random.Next(1_000_000)}@carteiro.bench>\r\n");
        if (reply)
        {
            text.Append(CultureInfo.InvariantCulture, $"In-Reply-To: <bench.{index - 1 - random.Next(Math.Min(index, 20))}@carteiro.bench>\r\n");
        }

        text.Append("MIME-Version: 1.0\r\nContent-Type: text/plain; charset=us-ascii\r\nContent-Transfer-Encoding: 7bit\r\n\r\n");
        text.Append("Hello ").Append(FirstNames[random.Next(FirstNames.Length)]).Append(",\r\n\r\n");
        bool needle = index % 100 == 42;
        var line = new StringBuilder(80);
        while (text.Length < size - 40)
        {
            string word = needle && text.Length > size / 2 ? Needle : Words[random.Next(Words.Length)];
            if (word == Needle)
            {
                needle = false;
            }

            if (line.Length + word.Length + 1 > 72)
            {
                text.Append(line).Append("\r\n");
                line.Clear();
            }

            line.Append(line.Length == 0 ? "" : " ").Append(word);
        }

        if (line.Length > 0)
        {
            text.Append(line).Append("\r\n");
        }

        text.Append("\r\n-- \r\nsent from the benchmark corpus\r\n");
        return Encoding.ASCII.GetBytes(text.ToString());
    }

    /// <summary>A message for the IDLE scenario: like the seeded ones, with a unique Message-ID.</summary>
    public static byte[] Wake(int index, string run)
    {
        string text = $"Date: Mon, 05 Jan 2026 08:00:00 +0000\r\nFrom: \"Wake Up\" <wake@example.com>\r\nTo: \"Bench\" <bench@localhost>\r\n" +
            $"Subject: wake {index}\r\nMessage-ID: <wake.{run}.{index}@carteiro.bench>\r\nMIME-Version: 1.0\r\n" +
            "Content-Type: text/plain; charset=us-ascii\r\n\r\nA message to wake an idling client.\r\n";
        return Encoding.ASCII.GetBytes(text);
    }

    private static string Person(ref SplitMix random)
    {
        string first = FirstNames[random.Next(FirstNames.Length)];
        string last = LastNames[random.Next(LastNames.Length)];
        string domain = Domains[random.Next(Domains.Length)];
        return random.Next(6) == 0
            ? $"{first.ToLowerInvariant()}.{last.ToLowerInvariant()}@{domain}"
            : $"\"{first} {last}\" <{first.ToLowerInvariant()}.{last.ToLowerInvariant()}@{domain}>";
    }

    private static string Phrase(ref SplitMix random, int words, bool capitalise)
    {
        var phrase = new StringBuilder();
        for (int i = 0; i < words; i++)
        {
            string word = Words[random.Next(Words.Length)];
            phrase.Append(i == 0 ? "" : " ").Append(i == 0 && capitalise ? char.ToUpperInvariant(word[0]) + word[1..] : word);
        }

        return phrase.ToString();
    }

    /// <summary>SplitMix64: small, fast, and the same on every runtime.</summary>
    private struct SplitMix(ulong seed)
    {
        private ulong _state = seed;

        public int Next(int bound)
        {
            _state += 0x9E3779B97F4A7C15UL;
            ulong z = _state;
            z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
            z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
            z ^= z >> 31;
            return (int)(z % (ulong)bound);
        }
    }
}
