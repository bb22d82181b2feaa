using System.Buffers;

namespace FlowRelay.Protocols.Templates;

/// <summary>
/// Data sets that arrived before their template (common after an exporter or relay restart:
/// RFC 7011 §8 lets data precede a template resend over UDP). Bounded in bytes and age; sets
/// that do not fit or wait too long are dropped and counted, never grown without limit.
/// </summary>
internal sealed class PendingSetBuffer
{
    // Per-entry bookkeeping cost counted against the byte budget, so a flood of tiny sets is
    // bounded in entries too.
    private const int EntryOverhead = 96;

    private readonly LinkedList<PendingSet> _sets = new();
    // How many sets wait per template, so learning a template nobody waits for (the common case,
    // and what a template flood does) costs a lookup, not a walk of the whole buffer.
    private readonly Dictionary<TemplateKey, int> _waiting = new();
    private readonly FlowDecoderOptions _options;
    private readonly FlowDecoderCounters _counters;
    private long _bytes;

    public PendingSetBuffer(FlowDecoderOptions options, FlowDecoderCounters counters)
    {
        _options = options;
        _counters = counters;
    }

    public int Count => _sets.Count;

    /// <summary>Copies a set in; returns false (and counts the drop) when it cannot be kept.</summary>
    public bool Add(in TemplateKey key, in PacketHeader header, ReadOnlySpan<byte> set)
    {
        long cost = set.Length + EntryOverhead;
        if (cost > _options.PendingMaxBytes)
        {
            CountDrop(header.Exporter);
            return false;
        }
        // Keep the youngest data: the oldest is the likeliest never to see its template.
        while (_bytes + cost > _options.PendingMaxBytes && _sets.First is { } oldest)
        {
            Remove(oldest);
            CountDrop(oldest.Value.Header.Exporter);
        }
        var buffer = ArrayPool<byte>.Shared.Rent(set.Length);
        set.CopyTo(buffer);
        _sets.AddLast(new PendingSet { Key = key, Header = header, Buffer = buffer, Length = set.Length });
        _waiting[key] = _waiting.GetValueOrDefault(key) + 1;
        _bytes += cost;
        Publish();
        return true;
    }

    /// <summary>True when some set waits for <paramref name="key"/>.</summary>
    public bool IsWaiting(in TemplateKey key) => _waiting.ContainsKey(key);

    /// <summary>Removes and returns the sets waiting for <paramref name="key"/>, oldest first.</summary>
    public List<PendingSet>? TakeFor(in TemplateKey key)
    {
        if (!_waiting.Remove(key)) return null;
        List<PendingSet>? found = null;
        for (var node = _sets.First; node != null;)
        {
            var next = node.Next;
            if (node.Value.Key == key)
            {
                (found ??= new()).Add(node.Value);
                _sets.Remove(node);
                _bytes -= node.Value.Length + EntryOverhead;
            }
            node = next;
        }
        if (found != null) Publish();
        return found;
    }

    /// <summary>Drops sets older than PendingMaxAge; returns how many.</summary>
    public int Expire(long nowNs)
    {
        long cutoff = nowNs - _options.PendingMaxAge.Ticks * 100;
        int n = 0;
        while (_sets.First is { } oldest && oldest.Value.Header.ReceivedNs < cutoff)
        {
            Remove(oldest);
            CountDrop(oldest.Value.Header.Exporter);
            n++;
        }
        return n;
    }

    public static void Release(PendingSet set)
    {
        ArrayPool<byte>.Shared.Return(set.Buffer);
        set.Buffer = [];
    }

    private void Remove(LinkedListNode<PendingSet> node)
    {
        _sets.Remove(node);
        var key = node.Value.Key;
        if (_waiting.TryGetValue(key, out int n))
        {
            if (n <= 1) _waiting.Remove(key);
            else _waiting[key] = n - 1;
        }
        _bytes -= node.Value.Length + EntryOverhead;
        Release(node.Value);
        Publish();
    }

    private void CountDrop(Flows.IpAddr exporter)
    {
        _counters.Total.SetsDroppedNoTemplate++;
        if (_counters.TryGetExporter(exporter, out var ec)) ec.SetsDroppedNoTemplate++;
    }

    private void Publish()
    {
        _counters.SetsWaiting = _sets.Count;
        _counters.BytesWaiting = _bytes;
    }
}
