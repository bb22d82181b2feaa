using System.Collections.Concurrent;
using FlowRelay.Engine.Events;

namespace FlowRelay.Pipeline;

/// <summary>
/// Batches handed from one pipeline thread to another, in order. The pipeline's batches go round
/// a fixed pool, so a queue never holds more than the pool; <c>null</c> tells the taker to finish.
/// </summary>
internal sealed class BatchQueue
{
    private readonly ConcurrentQueue<EventBatch<FlowEvent>?> _items = new();
    private readonly SemaphoreSlim _count = new(0);

    /// <summary>Items waiting to be taken.</summary>
    public int Count => _count.CurrentCount;

    /// <summary>Queues a batch (or null: the end) and wakes the taker.</summary>
    public void Post(EventBatch<FlowEvent>? batch)
    {
        _items.Enqueue(batch);
        _count.Release();
    }

    /// <summary>Waits up to <paramref name="timeout"/> for an item; false when none came (batch is then null too).</summary>
    public bool TryTake(TimeSpan timeout, out EventBatch<FlowEvent>? batch)
    {
        batch = null;
        if (!_count.Wait(timeout)) return false;
        _items.TryDequeue(out batch);
        return true;
    }

    /// <summary>Waits as long as it takes for an item.</summary>
    public EventBatch<FlowEvent>? Take()
    {
        _count.Wait();
        _items.TryDequeue(out var batch);
        return batch;
    }
}
