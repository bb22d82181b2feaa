using System.Buffers;
using System.Text;
using System.Text.Json;
using BenchmarkDotNet.Attributes;
using FlowRelay.Engine.Dns;
using FlowRelay.Engine.Ecs;
using FlowRelay.Engine.Events;
using FlowRelay.Protocols.DnsLogs;
using FlowRelay.Protocols.Syslog;

namespace FlowRelay.Benchmarks.Dns;

/// <summary>
/// Issue 3's DNS side per line: an RFC 3164 syslog message carrying a BIND query line (as named
/// sends it), parsed header and body; then the whole DNS stage — Public Suffix List split,
/// <see cref="DnsEvent"/>, ECS document written. 256 distinct lines per invocation.
/// </summary>
[MemoryDiagnoser]
public class DnsLogBenchmark
{
    private const int Lines = 256;
    private byte[][] _lines = [];
    private long _now;
    private PublicSuffixList _psl = null!;
    private readonly ArrayBufferWriter<byte> _buffer = new(1 << 16);
    private Utf8JsonWriter _json = null!;

    [GlobalSetup]
    public void Setup()
    {
        _psl = PublicSuffixList.Load(PublicSuffixList.SystemPath);
        _json = new Utf8JsonWriter(_buffer);
        _now = (DateTime.UtcNow.Ticks - DateTime.UnixEpoch.Ticks) * 100;
        string[] domains = ["example.com", "bbc.co.uk", "mybucket.s3.amazonaws.com", "lab.test", "cdn.example.net"];
        _lines = Enumerable.Range(0, Lines).Select(i =>
        {
            string name = $"host{i}.{domains[i % domains.Length]}";
            return Encoding.ASCII.GetBytes(
                $"<30>Nov 28 04:36:04 ns1 named[18228]: client @0x7f00aa{i:x2} 10.0.{i % 200}.{i % 250 + 1}#{40000 + i} ({name}): query: {name} IN {(i % 3 == 0 ? "AAAA" : "A")} +E(0)K (192.0.2.53)");
        }).ToArray();
    }

    [Benchmark(OperationsPerInvoke = Lines)]
    public int SyslogAndBindParse()
    {
        int ok = 0;
        foreach (var line in _lines)
        {
            if (SyslogParser.Parse(line, _now, out var m) != SyslogParseStatus.Ok) continue;
            if (BindQueryLogParser.Parse(m.Message, out var r) == DnsLogParseStatus.Ok) ok += r.QueryType;
        }
        return ok;
    }

    [Benchmark(OperationsPerInvoke = Lines)]
    public long ParseSplitAndWriteEcs()
    {
        long bytes = 0;
        foreach (var line in _lines)
        {
            if (SyslogParser.Parse(line, _now, out var m) != SyslogParseStatus.Ok) continue;
            if (BindQueryLogParser.Parse(m.Message, out var r) != DnsLogParseStatus.Ok) continue;
            var e = DnsEvent.Create(r, m.TimestampUnixNs, m.ZoneKnown, _now, _psl);
            DnsDocumentWriter.Write(_json, e);
            _json.Flush();
            bytes += _buffer.WrittenCount;
            _json.Reset();
            _buffer.ResetWrittenCount();
        }
        return bytes;
    }
}
