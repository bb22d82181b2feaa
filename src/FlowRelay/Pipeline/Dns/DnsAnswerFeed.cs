using System.Collections.Concurrent;
using FlowRelay.Engine.Enrich;
using FlowRelay.Engine.Events;
using FlowRelay.Protocols.Flows;

namespace FlowRelay.Pipeline.Dns;

/// <summary>
/// Hands A/AAAA answers from the DNS pipeline's loop to the enrichment's
/// <see cref="DnsAnswerCache"/>, which is not thread-safe and lives on the flow pipeline's loop:
/// the DNS side queues (bounded: when full the oldest answers are dropped and counted), and
/// <see cref="DnsAnswerFeedEnricher"/> drains the queue into the cache at the start of every
/// flow batch, on the flow loop.
/// </summary>
public sealed class DnsAnswerFeed
{
    private readonly ConcurrentQueue<Item> _queue = new();
    private readonly int _capacity;
    private int _count;

    public DnsAnswerFeed(int capacity = 65536) => _capacity = capacity;

    /// <summary>Answers queued.</summary>
    public long Queued;

    /// <summary>Answers dropped because the flow side did not drain fast enough.</summary>
    public long Dropped;

    /// <summary>Queues the address answers of <paramref name="e"/> (DNS pipeline loop).</summary>
    public void Add(in DnsEvent e)
    {
        var ips = e.Query.ResolvedIps;
        if (ips is null || ips.Count == 0) return;
        string? registered = e.RegisteredDomain;
        foreach (var ip in ips)
        {
            if (Interlocked.Increment(ref _count) > _capacity && _queue.TryDequeue(out _))
            {
                Interlocked.Decrement(ref _count);
                Dropped++;
            }
            _queue.Enqueue(new Item(e.Query.ClientIp, ip, e.Query.QueryName, e.TimestampNs, registered));
            Queued++;
        }
    }

    /// <summary>Moves every queued answer into <paramref name="cache"/> (flow pipeline loop).</summary>
    public void DrainInto(DnsAnswerCache cache)
    {
        while (_queue.TryDequeue(out var item))
        {
            Interlocked.Decrement(ref _count);
            // The logs carry no TTLs: 0 lets the cache apply its minimum.
            cache.Add(item.Client, item.Answer, item.Name, 0, item.TimeNs, item.RegisteredDomain);
        }
    }

    private readonly record struct Item(IpAddr Client, IpAddr Answer, string Name, long TimeNs, string? RegisteredDomain);
}
