using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace FlowRelay.Engine.Rules.Correlation;

/// <summary>
/// A correlation's groups by key: open addressing with linear probing, at most half full, each slot
/// holding the key's hash and its group. Unlike a <see cref="Dictionary{TKey, TValue}"/> it lets the
/// engine load a key's slot, then its group, then its window into the cache ahead of use
/// (<see cref="Prefetch"/>, <see cref="Peek"/>): with 100,000 hosts none of them is in cache, and
/// waiting for each in turn was most of the rule thread's time. Removal shifts the following
/// entries back (no tombstones), so lookups stay short whatever the churn. Single-threaded.
/// </summary>
internal sealed class GroupTable
{
    private int[] _hashes = new int[16];                      // per slot: the key's hash (odd), 0 = empty
    private CorrelationGroup?[] _groups = new CorrelationGroup?[16];
    private int _mask = 15;

    /// <summary>Groups held.</summary>
    public int Count { get; private set; }

    /// <summary>The hash a key is filed under (never 0).</summary>
    public static int HashOf(in GroupKey key) => key.GetHashCode() | 1;

    /// <summary>The group of <paramref name="key"/>, or null.</summary>
    public CorrelationGroup? Find(in GroupKey key, int hash)
    {
        var hashes = _hashes;
        int i = hash & _mask;
        while (true)
        {
            int h = hashes[i];
            if (h == 0) return null;
            if (h == hash && _groups[i]!.Key.Equals(key)) return _groups[i];
            i = (i + 1) & _mask;
        }
    }

    /// <summary>Files a group that is not in the table yet under <paramref name="hash"/>.</summary>
    public void Add(CorrelationGroup group, int hash)
    {
        if ((Count + 1) * 2 > _hashes.Length) Resize(_hashes.Length * 2);
        Place(group, hash);
        Count++;
    }

    /// <summary>Removes <paramref name="group"/> (filed under <paramref name="hash"/>); false when it is not there.</summary>
    public bool Remove(CorrelationGroup group, int hash)
    {
        int i = hash & _mask;
        while (true)
        {
            int h = _hashes[i];
            if (h == 0) return false;
            if (ReferenceEquals(_groups[i], group)) break;
            i = (i + 1) & _mask;
        }
        // Backward shift: each later entry of the run moves into the hole unless its home slot lies
        // cyclically after the hole (moving it would put it before its home, where lookups never look).
        int hole = i;
        for (int j = (i + 1) & _mask; _hashes[j] != 0; j = (j + 1) & _mask)
        {
            int home = _hashes[j] & _mask;
            bool stays = hole <= j ? hole < home && home <= j : hole < home || home <= j;
            if (stays) continue;
            _hashes[hole] = _hashes[j];
            _groups[hole] = _groups[j];
            hole = j;
        }
        _hashes[hole] = 0;
        _groups[hole] = null;
        Count--;
        return true;
    }

    /// <summary>Starts loading the home slot of <paramref name="hash"/> into the cache (<see cref="CachePrefetch"/>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Prefetch(int hash)
    {
        int i = hash & _mask;
        CachePrefetch.Line(ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(_hashes), i));
        CachePrefetch.Line(ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(_groups), i));
    }

    /// <summary>The group in the home slot of <paramref name="hash"/> when its hash matches (no key check: for prefetching only).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public CorrelationGroup? Peek(int hash)
    {
        int i = hash & _mask;
        return _hashes[i] == hash ? _groups[i] : null;
    }

    private void Place(CorrelationGroup group, int hash)
    {
        int i = hash & _mask;
        while (_hashes[i] != 0) i = (i + 1) & _mask;
        _hashes[i] = hash;
        _groups[i] = group;
    }

    private void Resize(int size)
    {
        var (hashes, groups) = (_hashes, _groups);
        _hashes = new int[size];
        _groups = new CorrelationGroup?[size];
        _mask = size - 1;
        for (int i = 0; i < hashes.Length; i++)
        {
            if (hashes[i] != 0) Place(groups[i]!, hashes[i]);
        }
    }
}
