using System.Diagnostics;
using System.Runtime.InteropServices;
using FlowRelay.Protocols.Flows;

namespace FlowRelay.Ingest.Hardening;

/// <summary>
/// Per-source packet-rate limit (<c>inputs.flow.rate_limit</c>): a token bucket per exporter
/// address, refilled at <c>rate</c> packets/s up to <c>burst</c>. Used only by one receive loop
/// (not thread-safe). Allocation-free per datagram: buckets are structs in a dictionary whose
/// capacity is reserved up front; a new source allocates nothing until the table is full, and then
/// the table is cleared (every source starts with a full bucket again) rather than grown, so a
/// flood of spoofed sources costs bounded memory. Pair it with allowed_exporters against spoofing.
/// </summary>
public sealed class SourceRateLimiter
{
    private struct Bucket
    {
        public double Tokens;
        public long Last;
    }

    private readonly double _ratePerTick;
    private readonly double _burst;
    private readonly int _maxSources;
    private readonly Dictionary<IpAddr, Bucket> _buckets;

    /// <param name="packetsPerSecond">Sustained packets per second each source may send.</param>
    /// <param name="burst">Packets a source may send at once after being quiet (at least 1).</param>
    /// <param name="maxSources">Sources tracked before the table is cleared.</param>
    public SourceRateLimiter(double packetsPerSecond, double burst, int maxSources = 65_536)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(packetsPerSecond);
        _ratePerTick = packetsPerSecond / Stopwatch.Frequency;
        _burst = Math.Max(1, burst);
        _maxSources = maxSources;
        _buckets = new Dictionary<IpAddr, Bucket>(maxSources);
    }

    /// <summary>Times the table was cleared because it was full.</summary>
    public long Resets { get; private set; }

    /// <summary>Sources tracked now.</summary>
    public int Sources => _buckets.Count;

    /// <summary>Takes a token for one datagram from <paramref name="source"/> at <paramref name="now"/> (<see cref="Stopwatch.GetTimestamp"/>); false: over the limit, drop it.</summary>
    public bool TryAcquire(in IpAddr source, long now)
    {
        if (_buckets.Count >= _maxSources && !_buckets.ContainsKey(source))
        {
            _buckets.Clear();
            Resets++;
        }
        ref var b = ref CollectionsMarshal.GetValueRefOrAddDefault(_buckets, source, out bool existed);
        if (!existed)
        {
            b.Tokens = _burst;
            b.Last = now;
        }
        else
        {
            b.Tokens = Math.Min(_burst, b.Tokens + (now - b.Last) * _ratePerTick);
            b.Last = now;
        }
        if (b.Tokens < 1) return false;
        b.Tokens -= 1;
        return true;
    }
}
