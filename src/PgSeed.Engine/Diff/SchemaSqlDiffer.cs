using System.Text.RegularExpressions;

namespace PgSeed.Engine.Diff;

/// <summary>
/// Compares two <c>schema.sql</c> files object by object: pg_dump heads each object with
/// <c>-- Name: book; Type: TABLE; Schema: public; Owner: -</c>, so a reviewer reads "TABLE public.book changed"
/// with its changed lines rather than a line diff of the whole file. The files are small (DDL only).
/// </summary>
internal static partial class SchemaSqlDiffer
{
    private const string Preamble = "preamble";
    private const int MaxLinesForLineDiff = 2000;

    [GeneratedRegex(@"^-- Name: (?<name>.*); Type: (?<type>.*); Schema: (?<schema>.*); Owner: .*$")]
    private static partial Regex Header();

    public static SchemaSqlDiff Diff(string? beforePath, string? afterPath)
    {
        var before = beforePath is not null && File.Exists(beforePath) ? Objects(File.ReadAllLines(beforePath)) : null;
        var after = afterPath is not null && File.Exists(afterPath) ? Objects(File.ReadAllLines(afterPath)) : null;
        var changes = new List<SchemaObjectChange>();
        if (before is not null && after is not null)
        {
            foreach (var (name, lines) in after)
            {
                if (!before.TryGetValue(name, out var old)) changes.Add(new SchemaObjectChange(name, TableChange.Added, lines.Select(l => "+" + l).ToList()));
                else if (!old.SequenceEqual(lines)) changes.Add(new SchemaObjectChange(name, TableChange.Changed, LineDiff(old, lines)));
            }
            foreach (var (name, lines) in before)
                if (!after.ContainsKey(name)) changes.Add(new SchemaObjectChange(name, TableChange.Removed, lines.Select(l => "-" + l).ToList()));
        }
        return new SchemaSqlDiff { BeforeExists = before is not null, AfterExists = after is not null, Objects = changes };
    }

    /// <summary>Object name → its non-blank lines, in file order (the lines before the first object are the preamble).</summary>
    private static Dictionary<string, List<string>> Objects(IEnumerable<string> lines)
    {
        var objects = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        var current = objects[Preamble] = new List<string>();
        foreach (var raw in lines)
        {
            var line = raw.TrimEnd();
            var m = Header().Match(line);
            if (m.Success)
            {
                var schema = m.Groups["schema"].Value;
                var name = $"{m.Groups["type"].Value} {(schema == "-" ? "" : schema + ".")}{m.Groups["name"].Value}";
                var unique = name;
                for (var n = 2; objects.ContainsKey(unique); n++) unique = $"{name} #{n}";
                current = objects[unique] = new List<string>();
                continue;
            }
            if (line.Length > 0) current.Add(line);
        }
        if (objects[Preamble].Count == 0) objects.Remove(Preamble);
        return objects;
    }

    /// <summary>A longest-common-subsequence line diff: context lines start with a space, then <c>-</c> and <c>+</c>.</summary>
    internal static List<string> LineDiff(IReadOnlyList<string> a, IReadOnlyList<string> b)
    {
        if ((long)a.Count * b.Count > (long)MaxLinesForLineDiff * MaxLinesForLineDiff)
            return a.Select(l => "-" + l).Concat(b.Select(l => "+" + l)).ToList();
        var lcs = new int[a.Count + 1, b.Count + 1];
        for (var i = a.Count - 1; i >= 0; i--)
        for (var j = b.Count - 1; j >= 0; j--)
            lcs[i, j] = a[i] == b[j] ? lcs[i + 1, j + 1] + 1 : Math.Max(lcs[i + 1, j], lcs[i, j + 1]);
        var result = new List<string>();
        int x = 0, y = 0;
        while (x < a.Count || y < b.Count)
        {
            if (x < a.Count && y < b.Count && a[x] == b[y]) { result.Add(" " + a[x]); x++; y++; }
            else if (x < a.Count && (y == b.Count || lcs[x + 1, y] >= lcs[x, y + 1])) result.Add("-" + a[x++]);
            else result.Add("+" + b[y++]);
        }
        return result;
    }
}
