using System.Globalization;

namespace PgSeed.Engine.Export;

/// <summary>Whether a row is in a table's row set, and if so whether it is a descendant (pulls in its children).</summary>
internal enum KeyState
{
    Absent,
    Member,
    Descendant,
}

/// <summary>
/// One table's row set in the client closure: the keys of the rows found so far and which of them are descendants.
/// A key is its columns' text (as PostgreSQL prints them in the export's session) joined by NUL, which no value's text
/// can hold; a single integer key column is kept in bitmaps instead (<see cref="IntegerKeyBitmap"/>).
/// </summary>
internal abstract class ClientKeySet
{
    public const char Separator = '\0';

    public static ClientKeySet For(PlannedTable t) =>
        t.KeyColumns is [var key] && t.Info.Column(key)!.Type is "smallint" or "integer" or "bigint" ? new Integers() : new Texts();

    public abstract long Count { get; }
    public abstract long Descendants { get; }
    public abstract long EstimatedBytes { get; }
    public abstract KeyState State(string key);

    /// <summary>Adds the key, or marks a member as a descendant.</summary>
    public abstract void Add(string key, bool descendant);

    public abstract IEnumerable<string> Keys(bool descendantsOnly);

    private sealed class Integers : ClientKeySet
    {
        private readonly IntegerKeyBitmap _members = new();
        private readonly IntegerKeyBitmap _descendants = new();

        public override long Count => _members.Count;
        public override long Descendants => _descendants.Count;
        public override long EstimatedBytes => _members.EstimatedBytes + _descendants.EstimatedBytes;

        public override KeyState State(string key)
        {
            // Not an integer's text (an FK value of another type): no key of this set.
            if (!long.TryParse(key, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var k)) return KeyState.Absent;
            return _descendants.Contains(k) ? KeyState.Descendant : _members.Contains(k) ? KeyState.Member : KeyState.Absent;
        }

        public override void Add(string key, bool descendant)
        {
            var k = long.Parse(key, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
            _members.Add(k);
            if (descendant) _descendants.Add(k);
        }

        public override IEnumerable<string> Keys(bool descendantsOnly) =>
            (descendantsOnly ? _descendants : _members).Ascending().Select(k => k.ToString(CultureInfo.InvariantCulture));
    }

    private sealed class Texts : ClientKeySet
    {
        private readonly HashSet<string> _members = new(StringComparer.Ordinal);
        private readonly HashSet<string> _descendants = new(StringComparer.Ordinal);

        public override long Count => _members.Count;
        public override long Descendants => _descendants.Count;
        public override long EstimatedBytes => _members.Sum(k => 40L + 2L * k.Length) + _descendants.Count * 24L;

        public override KeyState State(string key) =>
            _descendants.Contains(key) ? KeyState.Descendant : _members.Contains(key) ? KeyState.Member : KeyState.Absent;

        public override void Add(string key, bool descendant)
        {
            if (_members.TryGetValue(key, out var known)) key = known; // one string object per key
            else _members.Add(key);
            if (descendant) _descendants.Add(key);
        }

        public override IEnumerable<string> Keys(bool descendantsOnly) => descendantsOnly ? _descendants : _members;
    }
}
