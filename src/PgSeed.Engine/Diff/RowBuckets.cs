using System.Text;

namespace PgSeed.Engine.Diff;

/// <summary>
/// Spreads rows over bucket files on disk by a stable hash of their match key, so both sides of a table can be
/// compared bucket by bucket with one bucket's rows in memory.
/// </summary>
internal static class RowBuckets
{
    /// <summary>An unambiguous text of the matching columns' values (NULL distinct from every string).</summary>
    public static string MatchKey(string?[] row, int[] columns)
    {
        var sb = new StringBuilder();
        foreach (var c in columns)
        {
            var v = row[c];
            if (v is null) sb.Append('N');
            else sb.Append(v.Length).Append(':').Append(v);
            sb.Append('|');
        }
        return sb.ToString();
    }

    public static string[] Split(IEnumerable<string?[]> rows, int[] match, int buckets, string prefix, CancellationToken cancellationToken)
    {
        var paths = Enumerable.Range(0, buckets).Select(i => $"{prefix}{i}.bin").ToArray();
        var writers = paths.Select(p => new BinaryWriter(new FileStream(p, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 14), Encoding.UTF8)).ToArray();
        try
        {
            foreach (var row in rows)
            {
                var w = writers[(int)(Fnv1a(MatchKey(row, match)) % (uint)buckets)];
                w.Write(row.Length);
                foreach (var v in row)
                {
                    w.Write(v is not null);
                    if (v is not null) w.Write(v);
                }
            }
        }
        finally
        {
            foreach (var w in writers) w.Dispose();
        }
        cancellationToken.ThrowIfCancellationRequested();
        return paths;
    }

    public static IEnumerable<string?[]> Read(string path)
    {
        using var reader = new BinaryReader(new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 14), Encoding.UTF8);
        while (reader.BaseStream.Position < reader.BaseStream.Length)
        {
            var row = new string?[reader.ReadInt32()];
            for (var i = 0; i < row.Length; i++) row[i] = reader.ReadBoolean() ? reader.ReadString() : null;
            yield return row;
        }
    }

    // Stable across runs and processes (string.GetHashCode is randomised per process).
    private static uint Fnv1a(string text)
    {
        var hash = 2166136261u;
        foreach (var c in text) hash = (hash ^ c) * 16777619u;
        return hash;
    }
}
