using System.Diagnostics.CodeAnalysis;
using FlowRelay.Protocols;
using FlowRelay.Protocols.Cef;
using FlowRelay.Protocols.DnsLogs;
using FlowRelay.Protocols.Flows;
using FlowRelay.Protocols.Syslog;

namespace FlowRelay.Fuzz;

/// <summary>
/// One target per decoder/parser. Each must return for any input: the parsers' contract is a
/// status, never an exception, so any exception escaping a target is a finding.
/// </summary>
public static class FuzzTargets
{
    private struct CountingSink : IFlowRecordSink
    {
        public long Records;
        private FlowRecord _next;

        [UnscopedRef]
        public ref FlowRecord Next()
        {
            _next = default;
            return ref _next;
        }
        public void OnRecord(ref FlowRecord record) => Records++;
    }

    private struct NullFrames : ISyslogFrameSink
    {
        public void OnFrame(ReadOnlySpan<byte> frame, bool truncated) { }
    }

    public static readonly IReadOnlyDictionary<string, Action<ReadOnlySpan<byte>>> All = new Dictionary<string, Action<ReadOnlySpan<byte>>>
    {
        ["flow"] = Flow,
        ["syslog"] = Syslog,
        ["syslog-framing"] = SyslogFraming,
        ["bind"] = data => BindQueryLogParser.Parse(data, out _),
        ["unbound"] = data => UnboundLogParser.Parse(data, 1_795_840_000_000_000_000, out _, out _),
        ["dnsmasq"] = data => DnsmasqLogParser.Parse(data, 1_795_840_000_000_000_000, out _),
        ["zeek-json"] = data => ZeekDnsJsonParser.Parse(data, out _),
        ["cef"] = data => CefParser.Parse(data, out _),
        ["dns-reader"] = DnsReader,
    };

    /// <summary>
    /// The flow decoder with state carried across inputs the way an exporter's packets arrive:
    /// the first byte picks one of four exporters, so templates learned from one input meet data
    /// sets of later ones.
    /// </summary>
    public static void Flow(ReadOnlySpan<byte> data)
    {
        if (data.IsEmpty) return;
        var sink = new CountingSink();
        var exporter = IpAddr.FromV4(0xC0000200u + (uint)(data[0] & 3));
        // Created on first use, inside the fuzzer's loop: instrumented code must not run before
        // SharpFuzz has mapped AFL's shared memory (a static initializer would).
        _decoder ??= new FlowDecoder(new FlowDecoderOptions { MaxTemplates = 256, MaxExporters = 8, PendingMaxBytes = 64 * 1024 });
        _decoder.Decode(data[1..], exporter, 1_795_840_000_000_000_000, ref sink);
    }

    private static FlowDecoder? _decoder;

    /// <summary>
    /// A whole DNS log through <see cref="DnsLogReader"/>, one line per '\n': format detection,
    /// the Zeek TSV header state, the dnsmasq query joiner and Unbound's held query line.
    /// </summary>
    public static void DnsReader(ReadOnlySpan<byte> data)
    {
        var reader = new DnsLogReader(DnsLogFormat.Unknown, new DnsmasqQueryJoiner(maxPending: 16, maxAgeNs: 1_000_000_000));
        var output = new List<DnsQueryRecord>();
        long now = 1_795_840_000_000_000_000;
        while (!data.IsEmpty)
        {
            int nl = data.IndexOf((byte)'\n');
            var line = nl < 0 ? data : data[..nl];
            data = nl < 0 ? default : data[(nl + 1)..];
            reader.Read(line, now, output);
            now += 100_000_000;
        }
        reader.Flush(output);
    }

    public static void Syslog(ReadOnlySpan<byte> data) => SyslogParser.Parse(data, 1_795_840_000_000_000_000, out _);

    public static void SyslogFraming(ReadOnlySpan<byte> data)
    {
        var decoder = new SyslogFrameDecoder(4096);
        var sink = new NullFrames();
        // Split the input in two feeds, as TCP may.
        int cut = data.Length / 3;
        decoder.Feed(data[..cut], ref sink);
        decoder.Feed(data[cut..], ref sink);
    }
}
