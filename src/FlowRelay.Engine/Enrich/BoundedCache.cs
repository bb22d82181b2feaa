using System.Diagnostics;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace FlowRelay.Engine.Enrich;

/// <summary>
/// A fixed-size, 4-way set-associative table: a key hashes to one set of four slots; a new key
/// takes a free or expired slot of its set, else evicts the set's oldest entry (counted). Memory is
/// allocated once at construction and never grows, lookups and inserts allocate nothing, and a
/// flood of distinct keys only ever replaces the oldest entries. "Oldest" is per set — an
/// approximation of global LRU that needs no linked list and no per-entry allocation.
/// <para>
/// A set's four hash tags (16 bytes, four sets to a cache line) and four stamps are kept apart
/// from the keys and values, so a probe reads the tags and only touches a slot whose tag matches:
/// a miss costs one cache line however large the keys are. Keys should hash cheaply (see
/// <see cref="FastHash"/>): the hash is computed on every call. The set is chosen by the hash's
/// bits 8 and up; bits 1 to 7 go only into the tag, so a key type can keep related keys in one
/// set and still tell them apart by tag (<see cref="FlowKey"/> keeps a flow and its reverse so).
/// </para>
/// Not thread-safe: the pipeline's single loop owns it.
/// </summary>
public sealed class BoundedCache<TKey, TValue> where TKey : struct, IEquatable<TKey>
{
    private const int Ways = 4;

    private readonly uint[] _tags;   // per slot: the key's hash with the low bit set; 0 = free
    private readonly long[] _stamps; // per slot: when it was last set (larger is newer)
    private readonly Slot[] _slots;  // per slot: key and value
    private readonly int _setShift;

    /// <summary>Creates a table of at least <paramref name="capacity"/> entries (rounded up to a power of two, minimum 4).</summary>
    public BoundedCache(int capacity)
    {
        int size = (int)BitOperations.RoundUpToPowerOf2((uint)Math.Max(Ways, capacity));
        _tags = new uint[size];
        _stamps = new long[size];
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
    public ref TValue Find(in TKey key, out long stamp) => ref Find(key, key.GetHashCode(), out stamp);

    /// <summary>
    /// As <see cref="Find(in TKey, out long)"/>, with the key's hash already computed:
    /// <paramref name="hash"/> must be <c>key.GetHashCode()</c> (callers that hash the same parts
    /// for several lookups compute them once).
    /// </summary>
    public ref TValue Find(in TKey key, int hash, out long stamp)
    {
        Debug.Assert(hash == key.GetHashCode(), "hash must be the key's GetHashCode()");
        int i = IndexOf(key, (uint)hash, out _, out _);
        if (i < 0)
        {
            stamp = 0;
            return ref Unsafe.NullRef<TValue>();
        }
        stamp = _stamps[i];
        return ref _slots[i].Value;
    }

    /// <summary>True when <paramref name="key"/> is present; copies its value and stamp.</summary>
    public bool TryGet(in TKey key, out TValue value, out long stamp) => TryGet(key, key.GetHashCode(), out value, out stamp);

    /// <summary>As <see cref="TryGet(in TKey, out TValue, out long)"/>, with <paramref name="hash"/> = <c>key.GetHashCode()</c>.</summary>
    public bool TryGet(in TKey key, int hash, out TValue value, out long stamp)
    {
        ref TValue v = ref Find(key, hash, out stamp);
        if (Unsafe.IsNullRef(ref v))
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
    public void Set(in TKey key, in TValue value, long stamp, long expiredBefore = long.MinValue) =>
        Set(key, key.GetHashCode(), value, stamp, expiredBefore);

    /// <summary>As <see cref="Set(in TKey, in TValue, long, long)"/>, with <paramref name="hash"/> = <c>key.GetHashCode()</c>.</summary>
    public void Set(in TKey key, int hash, in TValue value, long stamp, long expiredBefore = long.MinValue)
    {
        Debug.Assert(hash == key.GetHashCode(), "hash must be the key's GetHashCode()");
        int found = IndexOf(key, (uint)hash, out int set, out uint tag);
        if (found >= 0)
        {
            _slots[found].Value = value;
            _stamps[found] = stamp;
            return;
        }
        // The first free slot of the set, else its oldest entry (the first of equals).
        ref uint tags = ref MemoryMarshal.GetArrayDataReference(_tags);
        ref long stamps = ref MemoryMarshal.GetArrayDataReference(_stamps);
        int victim = set;
        long victimStamp = long.MaxValue;
        for (int i = set; i < set + Ways; i++)
        {
            if (Unsafe.Add(ref tags, i) == 0)
            {
                victim = i;
                break;
            }
            long s = Unsafe.Add(ref stamps, i);
            if (s < victimStamp)
            {
                victim = i;
                victimStamp = s;
            }
        }
        if (Unsafe.Add(ref tags, victim) == 0) Count++;
        else if (victimStamp < expiredBefore) Expirations++;
        else Evictions++;
        Unsafe.Add(ref tags, victim) = tag;
        Unsafe.Add(ref stamps, victim) = stamp;
        ref Slot slot = ref _slots[victim];
        slot.Key = key;
        slot.Value = value;
    }

    /// <summary>
    /// Starts loading the set a key with <paramref name="hash"/> falls in (its tags, stamps and
    /// slots) into the cache, without waiting: callers that know their next keys call this a few
    /// keys ahead, so a large table's cache misses overlap instead of stalling one at a time. Does
    /// nothing where the CPU has no prefetch instruction. A prefetch never faults, so an address
    /// made stale by the GC moving the arrays costs nothing but the wasted load.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Prefetch(int hash)
    {
        int set = SetOf((uint)hash);
        CachePrefetch.Line(ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(_tags), set));
        CachePrefetch.Line(ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(_stamps), set));
        CachePrefetch.Lines(ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(_slots), set), Ways * Unsafe.SizeOf<Slot>());
    }

    /// <summary>Removes every entry (counters are kept).</summary>
    public void Clear()
    {
        Array.Clear(_tags);
        Array.Clear(_stamps);
        Array.Clear(_slots);
        Count = 0;
    }

    /// <summary>The slot holding <paramref name="key"/>, or -1; also its set's first slot and its tag.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private int IndexOf(in TKey key, uint hash, out int set, out uint tag)
    {
        tag = hash | 1;
        set = SetOf(hash);
        ref uint tags = ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(_tags), set);
        for (int w = 0; w < Ways; w++)
        {
            if (Unsafe.Add(ref tags, w) == tag && _slots[set + w].Key.Equals(key)) return set + w;
        }
        return -1;
    }

    /// <summary>The first slot of the set <paramref name="hash"/> falls in.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private int SetOf(uint hash) =>
        // Fibonacci hashing spreads the hash over the sets even when its bits are poor.
        _setShift >= 64 ? 0 : (int)(((ulong)(hash >> 8) * 0x9E3779B97F4A7C15UL) >> _setShift) * Ways;

    private struct Slot
    {
        public TKey Key;
        public TValue Value;
    }
}
