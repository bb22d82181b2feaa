using System.Buffers;
using FlowRelay.Emit;
using FlowRelay.Engine.Ecs;
using FlowRelay.Engine.Events;

namespace FlowRelay.Pipeline.Dns;

/// <summary>
/// DNS events as <c>dns-*.ndjson</c> and CEF events as <c>cef-*.ndjson</c> beside the flow files,
/// rotated, retained and recovered like them (two <see cref="NdjsonFileSink"/> instances with
/// their own prefixes). CEF gets its own stream because its documents are other devices' events
/// (data stream <c>logs-flowrelay.cef</c>), not DNS queries.
/// </summary>
public sealed class DnsNdjsonSink : IDnsEventSink, IDisposable
{
    /// <summary>File name prefix of DNS event files.</summary>
    public const string DnsPrefix = "dns-";

    /// <summary>File name prefix of CEF event files.</summary>
    public const string CefPrefix = "cef-";

    private readonly NdjsonFileSink _dns;
    private readonly NdjsonFileSink _cef;

    public DnsNdjsonSink(NdjsonFileSink dns, NdjsonFileSink cef)
    {
        _dns = dns;
        _cef = cef;
    }

    private static readonly DocumentBytesWriter<DnsEvent> Document = static (IBufferWriter<byte> output, in DnsEvent e) => DnsDocumentWriter.Write(output, in e);

    public string Name => "ndjson-dns";

    /// <summary>Counters of the DNS files.</summary>
    public NdjsonSinkCounters DnsCounters => _dns.Counters;

    /// <summary>Counters of the CEF files.</summary>
    public NdjsonSinkCounters CefCounters => _cef.Counters;

    public void Write(ReadOnlySpan<DnsEvent> events)
    {
        foreach (ref readonly DnsEvent e in events)
            _dns.WriteDocument(in e, Document);
    }

    public void WriteCef(in CefInputEvent cef) => _cef.WriteDocument(cef, static (w, ev) => CefDocumentWriter.Write(w, ev));

    public void Tick(DateTimeOffset now)
    {
        _dns.Tick(now);
        _cef.Tick(now);
    }

    public void Flush()
    {
        _dns.Flush();
        _cef.Flush();
    }

    public void Close()
    {
        _dns.Close();
        _cef.Close();
    }

    public void Dispose()
    {
        _dns.Dispose();
        _cef.Dispose();
    }
}
