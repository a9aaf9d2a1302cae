using System.Globalization;
using System.Text;

namespace PgSeed.Engine.Diagnostics;

/// <summary>
/// Renders per-table results as a tree: each table under the table that brought it into the seed,
/// with rows, bytes and time, then a totals line.
/// </summary>
internal static class SummaryTree
{
    /// <param name="showSizes">False for a plan (nothing read yet): names, reasons and notes only.</param>
    /// <param name="tables">The per-table results, each naming its tree parent.</param>
    /// <param name="total">Wall-clock time of the whole run.</param>
    /// <param name="showTimes">Show per-table times (off for output that must not change between runs).</param>
    public static string Render(IReadOnlyList<TableReport> tables, TimeSpan total, bool showTimes = true, bool showSizes = true)
    {
        var sb = new StringBuilder();
        var byParent = tables.Where(t => t.TreeParent is not null && tables.Any(p => p.Table == t.TreeParent))
            .GroupBy(t => t.TreeParent!).ToDictionary(g => g.Key, g => g.ToList());
        var roots = tables.Where(t => t.TreeParent is null || !tables.Any(p => p.Table == t.TreeParent)).ToList();
        var seen = new HashSet<string>();
        foreach (var root in roots) Write(root, "", null);
        sb.Append(CultureInfo.InvariantCulture, $"{tables.Count} tables");
        if (showSizes) sb.Append(CultureInfo.InvariantCulture, $", {Count(tables.Sum(t => t.Rows))} rows, {Size(tables.Sum(t => t.Bytes))}");
        if (showTimes) sb.Append(CultureInfo.InvariantCulture, $" in {Time(total)}");
        sb.Append('\n');
        return sb.ToString();

        void Write(TableReport t, string indent, bool? last)
        {
            if (!seen.Add(t.Table)) return;
            var branch = last is null ? "" : last.Value ? "└── " : "├── ";
            sb.Append(indent).Append(branch).Append(t.Table);
            if (showSizes)
            {
                sb.Append(" (").Append(Count(t.Rows)).Append(" rows, ").Append(Size(t.Bytes));
                if (showTimes) sb.Append(", ").Append(Time(t.Elapsed));
                sb.Append(')');
            }
            var why = string.Join("; ", new[] { t.Reason == "root" ? null : t.Reason, t.Note }.Where(s => !string.IsNullOrEmpty(s)));
            if (why.Length > 0) sb.Append("  ").Append(why);
            sb.Append('\n');
            if (!byParent.TryGetValue(t.Table, out var kids)) return;
            var childIndent = last is null ? indent : indent + (last.Value ? "    " : "│   ");
            for (var i = 0; i < kids.Count; i++) Write(kids[i], childIndent, i == kids.Count - 1);
        }
    }

    public static string Count(long n) => n switch
    {
        < 10_000 => n.ToString(CultureInfo.InvariantCulture),
        < 1_000_000 => (n / 1000.0).ToString("0.#", CultureInfo.InvariantCulture) + "k",
        _ => (n / 1_000_000.0).ToString("0.##", CultureInfo.InvariantCulture) + "M",
    };

    public static string Size(long bytes) => bytes switch
    {
        < 1024 => $"{bytes} B",
        < 1024 * 1024 => (bytes / 1024.0).ToString("0.#", CultureInfo.InvariantCulture) + " kB",
        < 1024L * 1024 * 1024 => (bytes / (1024.0 * 1024)).ToString("0.#", CultureInfo.InvariantCulture) + " MB",
        _ => (bytes / (1024.0 * 1024 * 1024)).ToString("0.##", CultureInfo.InvariantCulture) + " GB",
    };

    public static string Time(TimeSpan t) => t.TotalMilliseconds < 1000
        ? Math.Round(t.TotalMilliseconds).ToString(CultureInfo.InvariantCulture) + " ms"
        : t.TotalSeconds.ToString("0.00", CultureInfo.InvariantCulture) + " s";
}
