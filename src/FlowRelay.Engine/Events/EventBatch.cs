namespace FlowRelay.Engine.Events;

/// <summary>
/// A reusable batch of events of one kind handed from stage to stage. The pipeline owns a few and
/// recycles them, so no stage allocates per event.
/// </summary>
public sealed class EventBatch<T> where T : struct
{
    private T[] _items;

    /// <summary>Creates a batch with room for <paramref name="capacity"/> events (grows if needed).</summary>
    public EventBatch(int capacity = 1024) => _items = new T[capacity];

    /// <summary>Number of events in the batch.</summary>
    public int Count { get; private set; }

    /// <summary>The events in the batch.</summary>
    public Span<T> Items => _items.AsSpan(0, Count);

    /// <summary>Appends an empty slot and returns it by reference for the caller to fill.</summary>
    public ref T Add()
    {
        ref T slot = ref Reserve();
        Count++;
        return ref slot;
    }

    /// <summary>
    /// The empty slot just past the last event, by reference, for the caller to fill and then
    /// <see cref="Commit"/>; reserving again without committing empties the same slot again.
    /// </summary>
    public ref T Reserve()
    {
        if (Count == _items.Length) Array.Resize(ref _items, _items.Length * 2);
        ref T slot = ref _items[Count];
        slot = default;
        return ref slot;
    }

    /// <summary>Makes the slot <see cref="Reserve"/> returned the batch's last event.</summary>
    public void Commit() => Count++;

    /// <summary>Empties the batch for reuse.</summary>
    public void Clear() => Count = 0;
}
