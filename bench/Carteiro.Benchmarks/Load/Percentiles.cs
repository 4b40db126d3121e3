namespace Carteiro.Benchmarks.Load;

/// <summary>Latency percentiles from samples in microseconds.</summary>
internal sealed record Percentiles(double P50, double P90, double P99, double Max, int Count)
{
    public static Percentiles Of(List<double> samples)
    {
        if (samples.Count == 0)
        {
            return new Percentiles(0, 0, 0, 0, 0);
        }

        samples.Sort();
        double At(double q) => samples[Math.Min(samples.Count - 1, (int)Math.Ceiling(q * samples.Count) - 1)];
        return new Percentiles(At(0.50), At(0.90), At(0.99), samples[^1], samples.Count);
    }
}
