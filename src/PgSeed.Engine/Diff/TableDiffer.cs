using PgSeed.Engine.Seed;

namespace PgSeed.Engine.Diff;

/// <summary>One side of a table comparison: its CSV file and its manifest entry.</summary>
internal sealed record TableSide(string Path, SeedTable Table);

/// <summary>
/// Compares one table's two CSV files row by row. Both are sorted by key, so a merge-join reads each once with one
/// record of each in memory. Where the files' order cannot be followed (no key, the key changed, or text keys
/// sorted by a collation other than <c>C</c>: detected as a key out of order), rows are hashed by key into
/// bounded buckets on disk and compared bucket by bucket instead.
/// </summary>
internal sealed class TableDiffer
{
    // A bucket's rows are held as strings while it is compared: ~8 MB of CSV stays well under 100 MB of memory.
    private const long BucketBytes = 8L << 20;

    /// <summary>Tests force the hashed comparison, with buckets of this many bytes, on any table.</summary>
    internal static readonly AsyncLocal<long?> BucketBytesForTests = new();
    private const int MaxBuckets = 256;

    private readonly TableSide _before;
    private readonly TableSide _after;
    private readonly int _cap;
    private readonly CancellationToken _cancellationToken;
    private readonly string[] _common;
    private readonly int[] _commonBefore;
    private readonly int[] _commonAfter;
    private readonly string[] _key;
    private readonly int[] _keyBefore;
    private readonly int[] _keyAfter;
    private readonly IReadOnlyList<string> _headerBefore;
    private readonly IReadOnlyList<string> _headerAfter;

    private TableDiffer(TableSide before, TableSide after, int cap, CancellationToken cancellationToken)
    {
        _before = before;
        _after = after;
        _cap = cap;
        _cancellationToken = cancellationToken;
        _headerBefore = CsvScanner.ReadHeader(before.Path, before.Table.Name);
        _headerAfter = CsvScanner.ReadHeader(after.Path, after.Table.Name);
        _common = _headerAfter.Where(_headerBefore.Contains).ToArray();
        _commonBefore = _common.Select(c => IndexOf(_headerBefore, c)).ToArray();
        _commonAfter = _common.Select(c => IndexOf(_headerAfter, c)).ToArray();
        var sameKey = before.Table.Key.Count > 0 && before.Table.Key.SequenceEqual(after.Table.Key) && before.Table.Key.All(_common.Contains);
        _key = sameKey ? before.Table.Key.ToArray() : [];
        _keyBefore = _key.Select(c => IndexOf(_headerBefore, c)).ToArray();
        _keyAfter = _key.Select(c => IndexOf(_headerAfter, c)).ToArray();
    }

    private bool Keyed => _key.Length > 0;

    public static TableDiff Diff(TableSide before, TableSide after, int cap, CancellationToken cancellationToken)
    {
        var differ = new TableDiffer(before, after, cap, cancellationToken);
        var columns = differ.Columns();
        if (!differ.Keyed)
        {
            var note = before.Table.Key.Count == 0 && after.Table.Key.Count == 0
                ? "no key: whole rows compared"
                : "the key changed: whole rows compared";
            return differ.Hashed(columns) with { Note = note };
        }
        if (BucketBytesForTests.Value is not null) return differ.Hashed(columns);
        try
        {
            return differ.Merged(columns);
        }
        catch (OutOfOrderException)
        {
            return differ.Hashed(columns) with { Note = "keys not in C order: compared by hashing" };
        }
    }

    /// <summary>Rows of a table only one side has, as an added or removed table.</summary>
    public static TableDiff OneSided(TableSide side, bool added, int cap, CancellationToken cancellationToken)
    {
        var header = CsvScanner.ReadHeader(side.Path, side.Table.Name);
        var key = side.Table.Key.Count > 0 && side.Table.Key.All(header.Contains) ? side.Table.Key.Select(c => IndexOf(header, c)).ToArray() : null;
        var samples = new List<string>();
        using (var reader = new CsvRecordReader(side.Path))
        {
            reader.Read();
            while (samples.Count < cap && reader.Read() is { } record)
            {
                cancellationToken.ThrowIfCancellationRequested();
                samples.Add(key is null ? RowText(record, Enumerable.Range(0, header.Count).ToArray()) : KeyText(side.Table.Key, record, key));
            }
        }
        return new TableDiff
        {
            Table = side.Table.Name,
            Change = added ? TableChange.Added : TableChange.Removed,
            RowsBefore = added ? 0 : side.Table.Rows,
            RowsAfter = added ? side.Table.Rows : 0,
            Added = added ? side.Table.Rows : 0,
            Removed = added ? 0 : side.Table.Rows,
            AddedRows = added ? samples : [],
            RemovedRows = added ? [] : samples,
        };
    }

    private TableDiff Columns()
    {
        var typesBefore = _before.Table.Columns.ToDictionary(c => c.Name, c => c.Type);
        var typesAfter = _after.Table.Columns.ToDictionary(c => c.Name, c => c.Type);
        return new TableDiff
        {
            Table = _after.Table.Name,
            RowsBefore = _before.Table.Rows,
            RowsAfter = _after.Table.Rows,
            ColumnsAdded = _headerAfter.Where(c => !_headerBefore.Contains(c)).ToList(),
            ColumnsRemoved = _headerBefore.Where(c => !_headerAfter.Contains(c)).ToList(),
            TypeChanges = _common
                .Where(c => typesBefore.TryGetValue(c, out var b) && typesAfter.TryGetValue(c, out var a) && a != b)
                .Select(c => new ColumnTypeChange(c, typesBefore[c], typesAfter[c])).ToList(),
            ColumnsReordered = !_headerBefore.Where(_common.Contains).SequenceEqual(_common),
        };
    }

    private TableDiff Merged(TableDiff columns)
    {
        var result = new Accumulator(this, keepSmallest: false);
        var order = new KeyOrder(_key.Select(k => _after.Table.Columns.FirstOrDefault(c => c.Name == k)?.Type ?? "text"));
        using var before = new OrderedReader(_before.Path, order, _keyBefore);
        using var after = new OrderedReader(_after.Path, order, _keyAfter);
        var b = before.Next();
        var a = after.Next();
        long steps = 0;
        while (b is not null || a is not null)
        {
            if ((++steps & 0xFFF) == 0) _cancellationToken.ThrowIfCancellationRequested();
            var c = b is null ? 1 : a is null ? -1 : order.Compare(b, _keyBefore, a, _keyAfter);
            if (c < 0) { result.Removed(b!); b = before.Next(); }
            else if (c > 0) { result.Added(a!); a = after.Next(); }
            else { result.Matched(b!, a!); b = before.Next(); a = after.Next(); }
        }
        return result.Finish(columns);
    }

    /// <summary>Matches rows through a dictionary per bucket: memory is bounded by the bucket size, not the table's.</summary>
    private TableDiff Hashed(TableDiff columns)
    {
        var result = new Accumulator(this, keepSmallest: true);
        var total = new FileInfo(_before.Path).Length + new FileInfo(_after.Path).Length;
        var bucketBytes = BucketBytesForTests.Value ?? BucketBytes;
        var buckets = (int)Math.Clamp((total + bucketBytes - 1) / bucketBytes, 1, MaxBuckets);
        var matchBefore = Keyed ? _keyBefore : _commonBefore;
        var matchAfter = Keyed ? _keyAfter : _commonAfter;
        if (buckets == 1)
        {
            Compare(Rows(_before.Path), Rows(_after.Path), matchBefore, matchAfter, result);
            return result.Finish(columns);
        }
        var directory = Directory.CreateTempSubdirectory("pgseed-diff-").FullName;
        try
        {
            var before = RowBuckets.Split(Rows(_before.Path), matchBefore, buckets, Path.Combine(directory, "b"), _cancellationToken);
            var after = RowBuckets.Split(Rows(_after.Path), matchAfter, buckets, Path.Combine(directory, "a"), _cancellationToken);
            for (var i = 0; i < buckets; i++)
            {
                _cancellationToken.ThrowIfCancellationRequested();
                Compare(RowBuckets.Read(before[i]), RowBuckets.Read(after[i]), matchBefore, matchAfter, result);
            }
        }
        finally
        {
            try { Directory.Delete(directory, recursive: true); }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }
        }
        return result.Finish(columns);
    }

    private static void Compare(IEnumerable<string?[]> before, IEnumerable<string?[]> after, int[] matchBefore, int[] matchAfter, Accumulator result)
    {
        var pending = new Dictionary<string, Pending>(StringComparer.Ordinal);
        foreach (var row in before)
        {
            var key = RowBuckets.MatchKey(row, matchBefore);
            if (pending.TryGetValue(key, out var p)) p.Count++;
            else pending[key] = new Pending(row);
        }
        foreach (var row in after)
        {
            var key = RowBuckets.MatchKey(row, matchAfter);
            if (pending.TryGetValue(key, out var p))
            {
                result.Matched(p.Row, row);
                if (--p.Count == 0) pending.Remove(key);
            }
            else result.Added(row);
        }
        foreach (var p in pending.Values)
            for (var i = 0; i < p.Count; i++) result.Removed(p.Row);
    }

    private IEnumerable<string?[]> Rows(string path)
    {
        using var reader = new CsvRecordReader(path);
        reader.Read(); // header
        long n = 0;
        while (reader.Read() is { } record)
        {
            if ((++n & 0xFFF) == 0) _cancellationToken.ThrowIfCancellationRequested();
            yield return record;
        }
    }

    private sealed class Pending(string?[] row)
    {
        public string?[] Row { get; } = row;
        public int Count { get; set; } = 1;
    }

    /// <summary>Counts and samples of one table's comparison.</summary>
    private sealed class Accumulator(TableDiffer d, bool keepSmallest)
    {
        private readonly long[] _changedColumns = new long[d._common.Length];
        private readonly RowSamples<string> _added = new(d._cap, keepSmallest);
        private readonly RowSamples<string> _removed = new(d._cap, keepSmallest);
        private readonly RowSamples<ChangedRow> _changed = new(d._cap, keepSmallest);
        private long _addedCount, _removedCount, _changedCount;

        public void Added(string?[] row)
        {
            _addedCount++;
            var text = d.Describe(row, after: true);
            _added.Add(text, () => text);
        }

        public void Removed(string?[] row)
        {
            _removedCount++;
            var text = d.Describe(row, after: false);
            _removed.Add(text, () => text);
        }

        public void Matched(string?[] before, string?[] after)
        {
            List<int>? differing = null;
            for (var i = 0; i < d._common.Length; i++)
                if (!string.Equals(before[d._commonBefore[i]], after[d._commonAfter[i]], StringComparison.Ordinal))
                    (differing ??= new List<int>()).Add(i);
            if (differing is null) return;
            _changedCount++;
            foreach (var i in differing) _changedColumns[i]++;
            var key = d.Describe(after, after: true);
            _changed.Add(key, () => new ChangedRow(key, differing.Select(i =>
                new ValueChange(d._common[i], before[d._commonBefore[i]], after[d._commonAfter[i]])).ToList()));
        }

        public TableDiff Finish(TableDiff columns)
        {
            var changedColumns = new Dictionary<string, long>();
            for (var i = 0; i < d._common.Length; i++) if (_changedColumns[i] > 0) changedColumns[d._common[i]] = _changedColumns[i];
            var any = _addedCount + _removedCount + _changedCount > 0 || columns.ColumnsAdded.Count > 0 || columns.ColumnsRemoved.Count > 0
                      || columns.TypeChanges.Count > 0 || columns.ColumnsReordered;
            return columns with
            {
                Change = any ? TableChange.Changed : TableChange.Unchanged,
                Added = _addedCount,
                Removed = _removedCount,
                Changed = _changedCount,
                ChangedColumns = changedColumns,
                AddedRows = _added.ToList(),
                RemovedRows = _removed.ToList(),
                ChangedRows = _changed.ToList(),
            };
        }
    }

    private string Describe(string?[] row, bool after) => Keyed
        ? KeyText(_key, row, after ? _keyAfter : _keyBefore)
        : RowText(row, after ? _commonAfter : _commonBefore);

    /// <summary><c>id=5</c>, or <c>(a, b)=(1, x)</c> for a composite key.</summary>
    internal static string KeyText(IReadOnlyList<string> names, string?[] row, int[] columns) => columns.Length == 1
        ? $"{names[0]}={Value(row[columns[0]])}"
        : $"({string.Join(", ", names)})=({string.Join(", ", columns.Select(c => Value(row[c])))})";

    private static string RowText(string?[] row, int[] columns) => "(" + string.Join(", ", columns.Select(c => Value(row[c]))) + ")";

    /// <summary>A value as listed in a diff: NULL, or the text (cut when long).</summary>
    internal static string Value(string? value) => value is null ? "NULL" : value.Length > 60 ? value[..57] + "..." : value;

    private static int IndexOf(IReadOnlyList<string> list, string value)
    {
        for (var i = 0; i < list.Count; i++) if (list[i] == value) return i;
        return -1;
    }

    /// <summary>Reads one side in file order and checks that each key is greater than the previous one.</summary>
    private sealed class OrderedReader(string path, KeyOrder order, int[] key) : IDisposable
    {
        private readonly CsvRecordReader _reader = Open(path);
        private string?[]? _previous;

        private static CsvRecordReader Open(string path)
        {
            var reader = new CsvRecordReader(path);
            reader.Read(); // header
            return reader;
        }

        public string?[]? Next()
        {
            var row = _reader.Read();
            if (row is null) return null;
            if (_previous is not null && order.Compare(_previous, key, row, key) >= 0) throw new OutOfOrderException();
            _previous = row;
            return row;
        }

        public void Dispose() => _reader.Dispose();
    }

    private sealed class OutOfOrderException : Exception;
}
