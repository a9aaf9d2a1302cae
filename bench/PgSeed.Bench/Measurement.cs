using System.Diagnostics;

namespace PgSeed.Bench;

/// <summary>
/// Wall-clock samples of several contenders measured round-robin: each repetition runs every
/// contender once, so slow phases of a noisy, shared machine hit all of them alike. Ratios are taken
/// per repetition (contender / baseline of the same repetition) and summarised by their median.
/// </summary>
internal sealed class Measurement
{
    private readonly Dictionary<string, List<double>> _seconds = new();

    public IReadOnlyList<double> Samples(string name) => _seconds.TryGetValue(name, out var s) ? s : Array.Empty<double>();

    public bool Has(string name) => Samples(name).Count > 0;

    public async Task<TimeSpan> TimeAsync(string name, Func<Task> action, bool record)
    {
        var watch = Stopwatch.StartNew();
        await action();
        watch.Stop();
        if (record)
        {
            if (!_seconds.TryGetValue(name, out var list)) _seconds[name] = list = new List<double>();
            list.Add(watch.Elapsed.TotalSeconds);
        }
        return watch.Elapsed;
    }

    public double MedianSeconds(string name) => Median(Samples(name));

    /// <summary>Median over repetitions of contender/baseline, pairing samples of the same repetition.</summary>
    public double MedianRatio(string contender, string baseline)
    {
        var c = Samples(contender);
        var b = Samples(baseline);
        var n = Math.Min(c.Count, b.Count);
        return Median(Enumerable.Range(0, n).Select(i => c[i] / b[i]).ToList());
    }

    public string Spread(string name)
    {
        var s = Samples(name);
        return s.Count == 0 ? "" : $"{s.Min():0.00}–{s.Max():0.00}";
    }

    public static double Median(IReadOnlyList<double> values)
    {
        if (values.Count == 0) return double.NaN;
        var sorted = values.OrderBy(v => v).ToArray();
        var mid = sorted.Length / 2;
        return sorted.Length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
    }
}
