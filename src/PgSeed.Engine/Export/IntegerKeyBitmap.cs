namespace PgSeed.Engine.Export;

/// <summary>
/// A set of 64-bit integers laid out like a roaring bitmap: keys are grouped by their high 48 bits into containers of
/// 65,536 values, each a sorted array of the low 16 bits (up to 4,096 of them) or, denser, an 8 kB bitmap. Dense ids —
/// the usual serial and identity keys — cost about one bit each, sparse ones two bytes each plus one small container
/// per 65,536-wide range. Enumerates in ascending order.
/// </summary>
internal sealed class IntegerKeyBitmap
{
    private const int ArrayLimit = 4096;
    private readonly Dictionary<long, Container> _containers = new();

    public long Count { get; private set; }

    public long EstimatedBytes => _containers.Values.Sum(c => c.Bytes + 48L);

    public bool Contains(long key) =>
        _containers.TryGetValue(key >> 16, out var c) && c.Contains((ushort)(key & 0xFFFF));

    /// <summary>Adds the key; false when it was there already.</summary>
    public bool Add(long key)
    {
        if (!_containers.TryGetValue(key >> 16, out var c)) _containers[key >> 16] = c = new Container();
        if (!c.Add((ushort)(key & 0xFFFF))) return false;
        Count++;
        return true;
    }

    public IEnumerable<long> Ascending()
    {
        foreach (var high in _containers.Keys.Order())
            foreach (var low in _containers[high].Ascending())
                yield return (high << 16) | low;
    }

    private sealed class Container
    {
        private ushort[] _values = new ushort[4];
        private int _count;
        private ulong[]? _bits;

        public long Bytes => _bits is null ? _values.Length * 2L : 8192;

        public bool Contains(ushort low) => _bits is not null
            ? (_bits[low >> 6] & (1UL << (low & 63))) != 0
            : Array.BinarySearch(_values, 0, _count, low) >= 0;

        public bool Add(ushort low)
        {
            if (_bits is not null)
            {
                ref var word = ref _bits[low >> 6];
                var mask = 1UL << (low & 63);
                if ((word & mask) != 0) return false;
                word |= mask;
                return true;
            }
            var i = Array.BinarySearch(_values, 0, _count, low);
            if (i >= 0) return false;
            if (_count == ArrayLimit)
            {
                // Denser than 1 in 16: a bitmap is smaller than the array.
                _bits = new ulong[1024];
                for (var j = 0; j < _count; j++) _bits[_values[j] >> 6] |= 1UL << (_values[j] & 63);
                _values = [];
                return Add(low);
            }
            i = ~i;
            if (_count == _values.Length) Array.Resize(ref _values, Math.Min(ArrayLimit, _values.Length * 2));
            Array.Copy(_values, i, _values, i + 1, _count - i);
            _values[i] = low;
            _count++;
            return true;
        }

        public IEnumerable<long> Ascending()
        {
            if (_bits is null)
            {
                for (var i = 0; i < _count; i++) yield return _values[i];
                yield break;
            }
            for (var w = 0; w < _bits.Length; w++)
            {
                var word = _bits[w];
                while (word != 0)
                {
                    var bit = System.Numerics.BitOperations.TrailingZeroCount(word);
                    yield return (w << 6) | bit;
                    word &= word - 1;
                }
            }
        }
    }
}
