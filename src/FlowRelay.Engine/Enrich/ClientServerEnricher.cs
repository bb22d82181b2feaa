using FlowRelay.Engine.Counters;
using FlowRelay.Engine.Events;
using FlowRelay.Protocols.Flows;

namespace FlowRelay.Engine.Enrich;

/// <summary>
/// Decides which side started the conversation (ECS <c>client.*</c> / <c>server.*</c>) for one-way
/// and bidirectional records, and says why and how sure (<see cref="ClientServerReason"/>, confidence).
/// Every record is remembered for <c>pair_window</c> (event time) in a bounded table keyed by a
/// 64-bit fingerprint of exporter and 5-tuple (<see cref="FlowKey.Fingerprint"/>: 24 bytes a
/// slot instead of the 104 of the whole key, so a set's slots are two cache lines instead of
/// seven), so the record going the other way can be found. The rules, first match wins:
/// <list type="number">
/// <item><b>paired_start_time</b> (90%): the reverse record was seen within the window and the two
/// start at different times: the earlier sender is the client.</item>
/// <item><b>tcp_syn</b> (90%): TCP, and this record's flags (or its reverse record's) have SYN without
/// ACK: that sender opened the connection (a SYN-only record is an attempt or a scan).</item>
/// <item><b>icmp_type</b> (90%): an ICMP/ICMPv6 request type (echo, timestamp, ...) is sent by the client, a reply by the server.</item>
/// <item><b>service_port</b> (75%): exactly one port is a service port (below 1024 or in the configured
/// list): that side is the server.</item>
/// <item><b>lower_port</b> (60%): the ports differ: the lower one is the server's (clients use
/// ephemeral ports, 1024 and above, usually 32768 and above).</item>
/// <item><b>start_time</b> (40%): nothing else decides: an exporter opens a record at its first
/// packet, so the sender of a lone record is taken as the side that started.</item>
/// </list>
/// Allocation-free per record: the table is allocated once and never grows.
/// </summary>
public sealed class ClientServerEnricher : IFlowEnricher, ICounterSource
{
    private readonly BoundedCache<FingerprintKey, PairEntry> _table;
    private readonly long _windowNs;
    private readonly bool[] _servicePorts = new bool[65536];
    private ulong[] _reverseKeys = new ulong[256];
    private IpAddr _lastExporter;
    private ulong _lastExporterHash = FastHash.Of(default);

    /// <param name="pairWindow">How far apart (event time) a record and its reverse may be and still pair.</param>
    /// <param name="maxPairs">Most records remembered; the oldest of a set is evicted (counted) beyond this.</param>
    /// <param name="servicePorts">Ports at or above 1024 that are servers' ports at this site (8080, 8443, 3389 ...).</param>
    public ClientServerEnricher(TimeSpan pairWindow, int maxPairs, IEnumerable<int>? servicePorts = null)
    {
        _windowNs = (long)(pairWindow.Ticks * 100);
        _table = new BoundedCache<FingerprintKey, PairEntry>(maxPairs);
        for (int p = 1; p < 1024; p++) _servicePorts[p] = true;
        foreach (int p in servicePorts ?? []) if (p is > 0 and < 65536) _servicePorts[p] = true;
    }

    /// <summary>The pairing table (its size, capacity, evictions).</summary>
    public BoundedCache<FingerprintKey, PairEntry> Table => _table;

    /// <summary>Records that found their reverse record in the window.</summary>
    public long Paired { get; private set; }

    /// <inheritdoc />
    public string CounterSection => "enrich.client_server";

    /// <inheritdoc />
    public IEnumerable<KeyValuePair<string, long>> ReadCounters() =>
    [
        new("paired", Paired), new("pairs_stored", _table.Count), new("pairs_capacity", _table.Capacity),
        new("pairs_evicted", _table.Evictions), new("pairs_expired", _table.Expirations),
    ];

    /// <inheritdoc />
    public void Enrich(Span<FlowEvent> events)
    {
        // Each record's fingerprint is computed once, with its reverse's, which the last pass looks
        // up with (their low halves put both in one set). The scratch arrays grow to the largest
        // batch seen, once.
        if (_reverseKeys.Length < events.Length)
        {
            _reverseKeys = new ulong[events.Length];
            _keys = new ulong[events.Length];
        }
        Span<ulong> reverseKeys = _reverseKeys.AsSpan(0, events.Length);
        Span<ulong> keys = _keys.AsSpan(0, events.Length);
        for (int i = 0; i < events.Length; i++)
        {
            ref FlowRecord f = ref events[i].Flow;
            keys[i] = f.SourceAddress.IsSet && f.DestinationAddress.IsSet
                ? FlowKey.Fingerprint(ExporterHash(f.Exporter), f.SourceAddress, f.DestinationAddress, f.SourcePort, f.DestinationPort, f.Protocol, out reverseKeys[i])
                : 0;
        }

        // Remember the whole batch first, so both directions exported in one packet pair with each
        // other whichever comes first. The table is far larger than the cache: each pass asks for
        // the set it will need Lookahead records later, so the misses overlap.
        for (int i = 0; i < Math.Min(Lookahead, events.Length); i++) _table.Prefetch((int)keys[i]);
        for (int i = 0; i < events.Length; i++)
        {
            if (i + Lookahead < events.Length) _table.Prefetch((int)keys[i + Lookahead]);
            ref FlowRecord f = ref events[i].Flow;
            if (!f.SourceAddress.IsSet || !f.DestinationAddress.IsSet) continue;
            long t = EventTime(f);
            _table.Set(new FingerprintKey(keys[i]), (int)keys[i], new PairEntry(f.StartNs, f.TcpFlags, HasFlags(f)), t, t - _windowNs);
        }
        for (int i = 0; i < Math.Min(Lookahead, events.Length); i++) _table.Prefetch((int)reverseKeys[i]);
        for (int i = 0; i < events.Length; i++)
        {
            if (i + Lookahead < events.Length) _table.Prefetch((int)reverseKeys[i + Lookahead]);
            Decide(ref events[i], reverseKeys[i]);
        }
    }

    // How many records ahead the passes prefetch: enough to cover a memory access's latency at a
    // few tens of nanoseconds a record, few enough that the lines are still in L1/L2 when used.
    private const int Lookahead = 8;
    private ulong[] _keys = new ulong[256];

    /// <summary>Decides one event against the current table (also used by tests).</summary>
    public void Decide(ref FlowEvent e)
    {
        ref FlowRecord f = ref e.Flow;
        ulong reverseKey = 0;
        if (f.SourceAddress.IsSet && f.DestinationAddress.IsSet)
            FlowKey.Fingerprint(FastHash.Of(f.Exporter), f.SourceAddress, f.DestinationAddress, f.SourcePort, f.DestinationPort, f.Protocol, out reverseKey);
        Decide(ref e, reverseKey);
    }

    /// <summary>Decides one event; <paramref name="reverseKey"/> is its reverse's fingerprint.</summary>
    private void Decide(ref FlowEvent e, ulong reverseKey)
    {
        ref FlowRecord f = ref e.Flow;
        e.ClientServerReason = ClientServerReason.None;
        e.ClientIsSource = false;
        e.ClientServerConfidence = 0;
        if (!f.SourceAddress.IsSet || !f.DestinationAddress.IsSet) return;

        long t = EventTime(f);
        bool paired = _table.TryGet(new FingerprintKey(reverseKey), (int)reverseKey, out PairEntry reverse, out long reverseTime) &&
                      Math.Abs(reverseTime - t) <= _windowNs;
        if (paired) Paired++;

        if (paired && f.StartNs != 0 && reverse.StartNs != 0 && f.StartNs != reverse.StartNs)
        {
            Set(ref e, f.StartNs < reverse.StartNs, ClientServerReason.PairedStartTime, 90);
            return;
        }
        if (f.Protocol == 6)
        {
            const byte Syn = 0x02, Ack = 0x10;
            if (HasFlags(f) && (f.TcpFlags & (Syn | Ack)) == Syn)
            {
                Set(ref e, true, ClientServerReason.TcpSyn, 90);
                return;
            }
            if (paired && reverse.HasFlags && (reverse.TcpFlags & (Syn | Ack)) == Syn)
            {
                Set(ref e, false, ClientServerReason.TcpSyn, 90);
                return;
            }
        }
        if (f.Protocol is 1 or 58 && (f.Present & (FlowFields.IcmpTypeCode | FlowFields.Ports)) != 0)
        {
            ushort typeCode = (f.Present & FlowFields.IcmpTypeCode) != 0 ? f.IcmpTypeCode : f.DestinationPort;
            int kind = IcmpKind(f.Protocol, (byte)(typeCode >> 8));
            if (kind != 0)
            {
                Set(ref e, kind > 0, ClientServerReason.IcmpType, 90);
                return;
            }
        }
        if (f.Protocol is 6 or 17 or 132 && (f.Present & FlowFields.Ports) != 0)
        {
            bool srcService = f.SourcePort != 0 && _servicePorts[f.SourcePort];
            bool dstService = f.DestinationPort != 0 && _servicePorts[f.DestinationPort];
            if (srcService != dstService)
            {
                Set(ref e, dstService, ClientServerReason.ServicePort, 75);
                return;
            }
            if (f.SourcePort != f.DestinationPort)
            {
                Set(ref e, f.DestinationPort < f.SourcePort, ClientServerReason.LowerPort, 60);
                return;
            }
        }
        Set(ref e, true, ClientServerReason.StartTime, 40);
    }

    private static void Set(ref FlowEvent e, bool clientIsSource, ClientServerReason reason, byte confidence)
    {
        e.ClientIsSource = clientIsSource;
        e.ClientServerReason = reason;
        e.ClientServerConfidence = confidence;
    }

    /// <summary>+1 when the ICMP type is a request (sender is the client), -1 for a reply, 0 for neither.</summary>
    private static int IcmpKind(byte protocol, byte type) => protocol == 1
        ? type switch { 8 or 13 or 15 or 17 or 10 => 1, 0 or 14 or 16 or 18 or 9 => -1, _ => 0 }
        : type switch { 128 or 133 or 135 or 130 or 139 => 1, 129 or 134 or 136 or 131 or 140 => -1, _ => 0 };

    private static bool HasFlags(in FlowRecord f) => (f.Present & FlowFields.TcpFlags) != 0;

    /// <summary>The exporter's hash, remembered for the last exporter seen: a batch usually comes from one.</summary>
    private ulong ExporterHash(in IpAddr exporter)
    {
        if (!exporter.Equals(_lastExporter))
        {
            _lastExporter = exporter;
            _lastExporterHash = FastHash.Of(exporter);
        }
        return _lastExporterHash;
    }

    /// <summary>The record's time for windows: flow end, else arrival (event time, so replays pair the same way).</summary>
    private static long EventTime(in FlowRecord f) => f.EndNs != 0 ? f.EndNs : f.ReceivedNs;

    /// <summary>What the table remembers of a record for its reverse.</summary>
    public readonly record struct PairEntry(long StartNs, byte TcpFlags, bool HasFlags);
}
