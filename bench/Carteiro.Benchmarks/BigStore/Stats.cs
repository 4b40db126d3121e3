namespace Carteiro.Benchmarks.BigStore;

/// <summary>Medians and quantiles of small samples (nearest rank).</summary>
internal static class Stats
{
    public static double? Median(IReadOnlyList<double> samples) => Quantile(samples, 0.5);

    public static double? Quantile(IReadOnlyList<double> samples, double q)
    {
        if (samples.Count == 0)
        {
            return null;
        }

        var sorted = samples.Order().ToList();
        return sorted[Math.Clamp((int)Math.Ceiling(q * sorted.Count) - 1, 0, sorted.Count - 1)];
    }

    /// <summary>Each figure's own median over the starts.</summary>
    public static StartFigures? MedianStart(IReadOnlyList<StartFigures> starts) => starts.Count == 0
        ? null
        : new StartFigures(
            Median([.. starts.Select(s => s.RunningMs)])!.Value,
            Median([.. starts.Select(s => s.NativeSignInMs)])!.Value,
            Median([.. starts.Select(s => s.ApiMs)])!.Value,
            (long)Median([.. starts.Select(s => (double)s.ResidentBytes)])!.Value,
            (long)Median([.. starts.Select(s => (double)s.StorageReadBytes)])!.Value);
}
