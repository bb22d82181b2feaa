using System.Numerics;

namespace FlowRelay.Engine.Enrich;

/// <summary>
/// A fixed-size, 4-way set-associative table: a key hashes to one set of four slots; a new key
/// takes a free or expired slot of its set, else evicts the set's oldest entry (counted). Memory is
/// allocated once at construction and never grows, lookups and inserts allocate nothing, and a
/// flood of distinct keys only ever replaces the oldest entries. "Oldest" is per set — an
/// approximation of global LRU that needs no linked list and no per-entry allocation.
/// Not thread-safe: the pipeline's single loop owns it.
/// </summary>
public sealed class BoundedCache<TKey, TValue> where TKey : struct, IEquatable<TKey>
{
    private const int Ways = 4;

    private readonly Slot[] _slots;
    private readonly int _setShift;

    /// <summary>Creates a table of at least <paramref name="capacity"/> entries (rounded up to a power of two, minimum 4).</summary>
    public BoundedCache(int capacity)
    {
        int size = (int)BitOperations.RoundUpToPowerOf2((uint)Math.Max(Ways, capacity));
        _slots = new Slot[size];
        int sets = size / Ways;
        _setShift = 64 - BitOperations.Log2((uint)sets);
    }

    /// <summary>Entries the table can hold.</summary>
    public int Capacity => _slots.Length;

    /// <summary>Entries held now (never more than <see cref="Capacity"/>).</summary>
    public int Count { get; private set; }

    /// <summary>Live entries pushed out to make room for a new key.</summary>
    public long Evictions { get; private set; }

    /// <summary>Expired entries whose slot was reused.</summary>
    public long Expirations { get; private set; }

    /// <summary>Looks <paramref name="key"/> up; returns a reference to its value, or a null reference when absent.</summary>
    public ref TValue Find(in TKey key, out long stamp)
    {
        int set = SetOf(key);
        for (int i = set; i < set + Ways; i++)
        {
            ref Slot s = ref _slots[i];
            if (s.Used && s.Key.Equals(key))
            {
                stamp = s.Stamp;
                return ref s.Value;
            }
        }
        stamp = 0;
        return ref System.Runtime.CompilerServices.Unsafe.NullRef<TValue>();
    }

    /// <summary>True when <paramref name="key"/> is present; copies its value and stamp.</summary>
    public bool TryGet(in TKey key, out TValue value, out long stamp)
    {
        ref TValue v = ref Find(key, out stamp);
        if (System.Runtime.CompilerServices.Unsafe.IsNullRef(ref v))
        {
            value = default!;
            return false;
        }
        value = v;
        return true;
    }

    /// <summary>
    /// Stores <paramref name="value"/> under <paramref name="key"/> with <paramref name="stamp"/> (a time;
    /// larger is newer). Entries stamped before <paramref name="expiredBefore"/> count as free.
    /// </summary>
    public void Set(in TKey key, in TValue value, long stamp, long expiredBefore = long.MinValue)
    {
        int set = SetOf(key);
        int victim = -1;
        long victimStamp = long.MaxValue;
        bool victimFree = false;
        for (int i = set; i < set + Ways; i++)
        {
            ref Slot s = ref _slots[i];
            if (s.Used && s.Key.Equals(key))
            {
                s.Value = value;
                s.Stamp = stamp;
                return;
            }
            if (victimFree) continue;
            if (!s.Used)
            {
                victim = i;
                victimFree = true;
            }
            else if (s.Stamp < victimStamp)
            {
                victim = i;
                victimStamp = s.Stamp;
            }
        }
        ref Slot v = ref _slots[victim];
        if (!v.Used) Count++;
        else if (v.Stamp < expiredBefore) Expirations++;
        else Evictions++;
        v.Key = key;
        v.Value = value;
        v.Stamp = stamp;
        v.Used = true;
    }

    /// <summary>Removes every entry (counters are kept).</summary>
    public void Clear()
    {
        Array.Clear(_slots);
        Count = 0;
    }

    private int SetOf(in TKey key)
    {
        // Fibonacci hashing spreads the key's hash over the sets even when its low bits are poor.
        ulong h = (ulong)(uint)key.GetHashCode() * 0x9E3779B97F4A7C15UL;
        return _setShift >= 64 ? 0 : (int)(h >> _setShift) * Ways;
    }

    private struct Slot
    {
        public TKey Key;
        public TValue Value;
        public long Stamp;
        public bool Used;
    }
}
