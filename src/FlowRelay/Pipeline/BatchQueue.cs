using FlowRelay.Engine.Events;

namespace FlowRelay.Pipeline;

/// <summary>
/// Batches handed from one pipeline thread to another, in order. The pipeline's batches go round
/// a fixed pool, so a queue never holds more than the pool; <c>null</c> tells the taker to finish.
/// A taker with nothing to take sleeps on the monitor at once, without spinning: the pipeline's
/// stages hand over a few hundred batches a second, and spinning between them cost more CPU than
/// the handovers save on a 2-core machine (docs/performance.md).
/// </summary>
internal sealed class BatchQueue
{
    private readonly object _gate = new(); // a monitor (Wait and Pulse), not a System.Threading.Lock
    private readonly Queue<EventBatch<FlowEvent>?> _items = new(16);

    /// <summary>Items waiting to be taken.</summary>
    public int Count
    {
        get
        {
            lock (_gate) return _items.Count;
        }
    }

    /// <summary>Queues a batch (or null: the end) and wakes the taker.</summary>
    public void Post(EventBatch<FlowEvent>? batch)
    {
        lock (_gate)
        {
            _items.Enqueue(batch);
            Monitor.Pulse(_gate);
        }
    }

    /// <summary>Waits up to <paramref name="timeout"/> for an item; false when none came (batch is then null too).</summary>
    public bool TryTake(TimeSpan timeout, out EventBatch<FlowEvent>? batch)
    {
        lock (_gate)
        {
            if (_items.Count == 0)
            {
                long deadline = Environment.TickCount64 + (long)timeout.TotalMilliseconds;
                while (_items.Count == 0)
                {
                    long left = deadline - Environment.TickCount64;
                    if (left <= 0 || !Monitor.Wait(_gate, (int)left) && _items.Count == 0)
                    {
                        batch = null;
                        return false;
                    }
                }
            }
            batch = _items.Dequeue();
            return true;
        }
    }

    /// <summary>Waits as long as it takes for an item.</summary>
    public EventBatch<FlowEvent>? Take()
    {
        lock (_gate)
        {
            while (_items.Count == 0) Monitor.Wait(_gate);
            return _items.Dequeue();
        }
    }
}
