namespace FlowRelay.Engine.Counters;

/// <summary>
/// A pipeline component with counters a user needs to trust the relay (bounded state: size,
/// capacity, evictions). The stats report and the metrics endpoint read every registered
/// source, so a new component only implements this to be seen.
/// </summary>
public interface ICounterSource
{
    /// <summary>Where the counters appear, as a dotted path (for example <c>enrich.client_server</c>).</summary>
    string CounterSection { get; }

    /// <summary>The current values, read from another thread: slightly stale values are fine for statistics.</summary>
    IEnumerable<KeyValuePair<string, long>> ReadCounters();
}
