namespace FlowRelay.Protocols.Templates;

/// <summary>
/// A map bounded in entries whose oldest (least recently touched) entry is evicted first. Touching
/// and replacing reuse the list node, so steady state allocates nothing; only inserting a new key
/// allocates (once per template / exporter, never per record).
/// </summary>
internal sealed class BoundedLru<TKey, TValue> where TKey : notnull
{
    private readonly Dictionary<TKey, LinkedListNode<KeyValuePair<TKey, TValue>>> _map = new();
    private readonly LinkedList<KeyValuePair<TKey, TValue>> _order = new();

    public BoundedLru(int capacity) => Capacity = Math.Max(1, capacity);

    public int Capacity { get; set; }

    public int Count => _map.Count;

    public bool TryGetValue(TKey key, out TValue value)
    {
        if (_map.TryGetValue(key, out var node))
        {
            value = node.Value.Value;
            return true;
        }
        value = default!;
        return false;
    }

    /// <summary>Moves an entry to the young end.</summary>
    public void Touch(TKey key)
    {
        if (_map.TryGetValue(key, out var node) && node != _order.Last)
        {
            _order.Remove(node);
            _order.AddLast(node);
        }
    }

    /// <summary>Adds or replaces, making the entry the youngest; returns how many old entries were evicted.</summary>
    public int Set(TKey key, TValue value, Action<TKey, TValue>? onEvict = null)
    {
        if (_map.TryGetValue(key, out var node))
        {
            node.Value = new(key, value);
            if (node != _order.Last)
            {
                _order.Remove(node);
                _order.AddLast(node);
            }
            return 0;
        }
        int evicted = 0;
        while (_map.Count >= Capacity && _order.First is { } oldest)
        {
            _order.RemoveFirst();
            _map.Remove(oldest.Value.Key);
            onEvict?.Invoke(oldest.Value.Key, oldest.Value.Value);
            evicted++;
        }
        _map[key] = _order.AddLast(new KeyValuePair<TKey, TValue>(key, value));
        return evicted;
    }

    public bool Remove(TKey key)
    {
        if (!_map.Remove(key, out var node)) return false;
        _order.Remove(node);
        return true;
    }

    /// <summary>Removes every entry matching; returns the count removed.</summary>
    public int RemoveWhere(Func<TKey, TValue, bool> match, Action<TKey, TValue>? onRemoved = null)
    {
        int removed = 0;
        for (var node = _order.First; node != null;)
        {
            var next = node.Next;
            if (match(node.Value.Key, node.Value.Value))
            {
                _order.Remove(node);
                _map.Remove(node.Value.Key);
                onRemoved?.Invoke(node.Value.Key, node.Value.Value);
                removed++;
            }
            node = next;
        }
        return removed;
    }

    /// <summary>Entries from oldest to youngest.</summary>
    public IEnumerable<KeyValuePair<TKey, TValue>> Items => _order;

    public void Clear()
    {
        _map.Clear();
        _order.Clear();
    }
}
