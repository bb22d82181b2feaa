using System.Buffers;
using System.Text;
using BenchmarkDotNet.Attributes;
using FlowRelay.Engine.Dns;
using FlowRelay.Engine.Ecs;
using FlowRelay.Engine.Events;
using FlowRelay.Protocols.DnsLogs;
using FlowRelay.Protocols.Syslog;

namespace FlowRelay.Benchmarks.Ecs;

/// <summary>
/// ECS serialisation alone of DNS query events (BIND query lines already parsed and split by the
/// Public Suffix List), written as the NDJSON and Elasticsearch outputs write them.
/// Documents per second per core = 1 / Mean.
/// </summary>
[MemoryDiagnoser]
public class DnsDocumentBenchmark
{
    private const int Count = 256;
    private DnsEvent[] _events = [];
    private readonly ArrayBufferWriter<byte> _buffer = new(1 << 20);

    [GlobalSetup]
    public void Setup()
    {
        var psl = PublicSuffixList.Load(PublicSuffixList.SystemPath);
        long now = (DateTime.UtcNow.Ticks - DateTime.UnixEpoch.Ticks) * 100;
        string[] domains = ["example.com", "bbc.co.uk", "mybucket.s3.amazonaws.com", "lab.test", "cdn.example.net"];
        var events = new List<DnsEvent>();
        for (int i = 0; i < Count; i++)
        {
            string name = $"host{i}.{domains[i % domains.Length]}";
            byte[] line = Encoding.ASCII.GetBytes(
                $"<30>Nov 28 04:36:04 ns1 named[18228]: client @0x7f00aa{i:x2} 10.0.{i % 200}.{i % 250 + 1}#{40000 + i} ({name}): query: {name} IN {(i % 3 == 0 ? "AAAA" : "A")} +E(0)K (192.0.2.53)");
            if (SyslogParser.Parse(line, now, out var m) != SyslogParseStatus.Ok) throw new InvalidOperationException("syslog line did not parse");
            if (BindQueryLogParser.Parse(m.Message, out var r) != DnsLogParseStatus.Ok) throw new InvalidOperationException("BIND line did not parse");
            events.Add(DnsEvent.Create(r, m.TimestampUnixNs, m.ZoneKnown, now, psl));
        }
        _events = [.. events];
    }

    /// <summary>Per document, as the NDJSON and Elasticsearch outputs write it: straight into their buffer, UnsafeRelaxedJsonEscaping's escaping.</summary>
    [Benchmark(OperationsPerInvoke = Count)]
    public long WriteDnsDocuments()
    {
        _buffer.ResetWrittenCount();
        for (int i = 0; i < _events.Length; i++) DnsDocumentWriter.Write(_buffer, _events[i]);
        return _buffer.WrittenCount;
    }
}
