using System.Globalization;
using System.Text;

namespace Carteiro.Benchmarks.Store;

/// <summary>
/// What <see cref="SeedMailbox"/> files in bob's inbox: mail from a few hundred people, subjects
/// and bodies drawn from a vocabulary of ~20,000 words with the skewed frequencies of real text
/// (a few words in nearly every message, most in few), so full-text search has real posting lists
/// to walk. A handful of marker words sit in exactly known numbers of messages, so a search for
/// each has a known answer. Message <c>i</c> depends only on <c>i</c> and the corpus size, so two
/// seeds of the same size hold the same text, and messages can be made on any thread.
/// </summary>
internal static class SeedCorpus
{
    /// <summary>Changes whenever the text below changes, so a kept data folder is not reused for another corpus.</summary>
    public const int Version = 1;

    /// <summary>The words searches look for, each in a known number of messages of a corpus of <c>count</c>.</summary>
    public static IReadOnlyList<Marker> Markers(int count) =>
    [
        new("rare", "quetzal", Math.Min(100, count / 100), 37),
        new("common", "marzipan", Math.Min(10_000, count / 10), 11),
        new("frequent", "lighthouse", count / 4, 1),
        new("absent", "xylograph", 0, 0),
    ];

    /// <summary>
    /// A word placed in exactly <paramref name="Hits"/> messages, one every <c>count / Hits</c>
    /// (spread evenly over time, so the newest hits are as recent as the newest mail). Each marker
    /// on its own residue, so the rare word does not always travel with the common ones.
    /// </summary>
    public sealed record Marker(string Name, string Word, int Hits, int Offset)
    {
        /// <summary>True when message <paramref name="index"/> of a corpus of <paramref name="count"/> carries the word.</summary>
        public bool In(int index, int count)
        {
            if (Hits == 0)
            {
                return false;
            }

            int step = count / Hits;
            return index % step == Offset % step && index / step < Hits;
        }
    }

    /// <summary>One seeded message, before MIME composition.</summary>
    public sealed record Message(int Sender, string? Cc, string Subject, string Body, DateTimeOffset Date);

    private static readonly DateTimeOffset Start = new(2020, 1, 6, 7, 0, 0, TimeSpan.Zero);

    private static readonly string[] FirstNames =
    [
        "carol", "dave", "erin", "frank", "grace", "heidi", "ivan", "judy", "karl", "laura", "mallory", "nina", "oscar", "peggy",
        "quinn", "rupert", "sybil", "trent", "ursula", "victor", "wendy", "yusuf", "zoe", "ana", "bruno", "carla", "diego",
        "elena", "fabio", "hugo", "ines", "joao", "marta", "nuno", "pedro", "rita", "sergio", "tania", "vera", "walter",
    ];

    private static readonly string[] LastNames =
    [
        "silva", "santos", "oliveira", "souza", "pereira", "costa", "ferreira", "almeida", "ribeiro", "carvalho",
    ];

    // The commonest English words, most frequent first (Zipf ranks 1…), then everyday mail words.
    private static readonly string[] Common =
    [
        "the", "to", "and", "of", "a", "in", "is", "for", "that", "you", "it", "on", "with", "this", "be", "are", "we", "as",
        "at", "have", "not", "will", "from", "or", "by", "can", "all", "your", "if", "but", "our", "an", "was", "so", "they",
        "about", "there", "one", "what", "would", "which", "when", "up", "out", "more", "do", "just", "time", "some", "also",
        "new", "get", "like", "them", "could", "other", "than", "then", "now", "only", "its", "any", "these", "two", "may",
        "first", "well", "way", "should", "because", "how", "need", "next", "week", "after", "before", "back", "still", "here",
        "please", "thanks", "today", "tomorrow", "meeting", "report", "project", "team", "update", "question", "review", "draft",
        "plan", "budget", "invoice", "schedule", "notes", "release", "customer", "order", "ticket", "office", "travel", "lunch",
        "coffee", "holiday", "photos", "agenda", "deadline", "contract", "proposal", "figures", "summary", "feedback", "design",
        "server", "network", "storage", "support", "version", "shipment", "delivery", "receipt", "estimate", "quarter", "month",
        "monday", "tuesday", "wednesday", "thursday", "friday", "weekend", "morning", "afternoon", "evening", "attached", "signed",
        "garden", "harbour", "kitchen", "lantern", "marble", "orchard", "pepper", "river", "saddle", "timber", "velvet", "walnut",
        "meadow", "canvas", "copper", "pelican", "kite", "train", "station", "bridge", "market", "library", "museum", "concert",
    ];

    /// <summary>
    /// The people who write to bob (alice first: the web benchmarks' sender). Declared after the
    /// name lists it is made from: static fields initialise in order.
    /// </summary>
    public static readonly IReadOnlyList<string> Senders = MakeSenders();

    private static readonly string[] Onsets = ["b", "c", "d", "f", "g", "h", "j", "k", "l", "m", "n", "p", "r", "s", "t", "v", "w", "br", "cl", "dr", "fr", "gr", "pl", "pr", "st", "tr", "sh", "ch"];

    private static readonly string[] Nuclei = ["a", "e", "i", "o", "u", "ai", "ea", "ou", "ie", "oa"];

    private static readonly string[] Codas = ["", "", "", "", "", "n", "r", "s", "t", "l", "m", "nd", "st", "ng"];

    private static readonly string[] Vocabulary = MakeVocabulary(20_000);

    // Cumulative Zipf weights (1 / rank) over the vocabulary, for sampling by binary search.
    private static readonly double[] Cumulative = MakeCumulative(Vocabulary.Length);

    /// <summary>Message number <paramref name="index"/> (from 0) of a corpus of <paramref name="count"/>.</summary>
    public static Message Make(int index, int count, IReadOnlyList<Marker> markers)
    {
        // Scrambled once more: seeded with the index alone, message i's second draw would be
        // message i + 1's first, and neighbouring messages would share their text.
        var random = new SplitMix(new SplitMix((ulong)index + 0x5EED).NextULong());

        // A few people write most of the mail: sender rank by a Zipf draw over the senders.
        int sender = Math.Min(Senders.Count - 1, (int)Math.Floor(Math.Pow(Senders.Count, random.NextDouble())) - 1);
        string? cc = random.Next(20) == 0 ? Senders[random.Next(Senders.Count)] : null;
        if (cc == Senders[sender])
        {
            cc = null;
        }

        var subject = new StringBuilder(64);
        if (random.Next(4) == 0)
        {
            subject.Append("Re: ");
        }

        for (int w = 3 + random.Next(6), first = 1; w > 0; w--, first = 0)
        {
            string word = Word(ref random);
            subject.Append(first == 1 ? Capital(word) : word).Append(w > 1 ? " " : "");
        }

        if (random.Next(3) == 0)
        {
            subject.Append(CultureInfo.InvariantCulture, $" #{random.Next(100_000)}");
        }

        // Bodies: mostly short notes, some long ones (20–180 words, one in twenty 300–800).
        int words = random.Next(20) == 0 ? 300 + random.Next(500) : 20 + random.Next(160);
        var placed = new List<string>(markers.Count);
        foreach (var marker in markers)
        {
            if (marker.In(index, count))
            {
                placed.Add(marker.Word);
            }
        }

        var body = new StringBuilder(words * 7 + 64);
        body.Append("Hi bob,\n\n");
        int sentence = 0;
        int line = 0;
        for (int w = 0; w < words; w++)
        {
            string word = placed.Count > 0 && random.Next(words - w) < placed.Count ? Take(placed) : Word(ref random);
            if (line + word.Length > 72)
            {
                body.Append('\n');
                line = 0;
            }
            else if (line > 0)
            {
                body.Append(' ');
                line++;
            }

            body.Append(sentence == 0 ? Capital(word) : word);
            line += word.Length;
            sentence++;
            if (sentence > 4 && random.Next(10) == 0)
            {
                body.Append(random.Next(5) == 0 ? '?' : '.');
                line++;
                sentence = 0;
                if (random.Next(6) == 0)
                {
                    body.Append("\n\n");
                    line = 0;
                }
            }
        }

        body.Append(".\n\n-- \n").Append(Senders[sender]).Append('\n');
        var date = Start.AddSeconds(index * (double)TimeSpan.FromDays(2000).TotalSeconds / Math.Max(1, count) + random.Next(60));
        return new Message(sender, cc, subject.ToString(), body.ToString(), date);
    }

    private static string Take(List<string> placed)
    {
        string word = placed[^1];
        placed.RemoveAt(placed.Count - 1);
        return word;
    }

    private static string Word(ref SplitMix random)
    {
        int i = Array.BinarySearch(Cumulative, random.NextDouble() * Cumulative[^1]);
        return Vocabulary[Math.Min(i < 0 ? ~i : i, Vocabulary.Length - 1)];
    }

    private static string Capital(string word) => char.ToUpperInvariant(word[0]) + word[1..];

    private static string[] MakeSenders()
    {
        var names = new List<string> { "alice" };
        foreach (string last in LastNames)
        {
            foreach (string first in FirstNames)
            {
                names.Add($"{first}.{last}");
            }
        }

        return [.. names.Take(300)];
    }

    // The common words, then made-up words of two or three syllables for the long tail. Never a
    // marker word: their counts must be exact.
    private static string[] MakeVocabulary(int size)
    {
        var markers = Markers(1_000_000).Select(m => m.Word).ToHashSet(StringComparer.Ordinal);
        var words = new List<string>(size);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (string word in Common)
        {
            if (seen.Add(word))
            {
                words.Add(word);
            }
        }

        var random = new SplitMix(0xC0FFEE);
        var made = new StringBuilder(16);
        while (words.Count < size)
        {
            made.Clear();
            for (int s = 2 + random.Next(2); s > 0; s--)
            {
                made.Append(Onsets[random.Next(Onsets.Length)]).Append(Nuclei[random.Next(Nuclei.Length)]).Append(Codas[random.Next(Codas.Length)]);
            }

            string word = made.ToString();
            if (!markers.Contains(word) && seen.Add(word))
            {
                words.Add(word);
            }
        }

        return [.. words];
    }

    private static double[] MakeCumulative(int size)
    {
        var cumulative = new double[size];
        double sum = 0;
        for (int rank = 1; rank <= size; rank++)
        {
            sum += 1.0 / rank;
            cumulative[rank - 1] = sum;
        }

        return cumulative;
    }

    /// <summary>SplitMix64: small, fast, and the same on every runtime.</summary>
    private struct SplitMix(ulong seed)
    {
        private ulong _state = seed;

        public int Next(int bound) => (int)(NextULong() % (ulong)bound);

        public double NextDouble() => (NextULong() >> 11) * (1.0 / (1UL << 53));

        public ulong NextULong()
        {
            _state += 0x9E3779B97F4A7C15UL;
            ulong z = _state;
            z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
            z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
            return z ^ (z >> 31);
        }
    }
}
