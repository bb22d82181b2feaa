using System.Buffers;
using System.Text.Json;
using FlowRelay.Engine.Ecs;
using FlowRelay.Engine.Events;
using FlowRelay.Pipeline.Dns;
using FlowRelay.Protocols.Cef;
using FlowRelay.Spool;

namespace FlowRelay.Emit.Elasticsearch;

/// <summary>
/// The DNS pipeline's Elasticsearch stage: each DNS query as ECS JSON (<see cref="DnsDocumentWriter"/>)
/// into the disk spool, target <c>logs-flowrelay.dns-&lt;namespace&gt;</c>, through the same
/// <see cref="SpoolDocumentWriter"/> as the flow sink. Each batch is committed before <see cref="Write"/>
/// returns. CEF events received from other devices go to <c>logs-flowrelay.cef-&lt;namespace&gt;</c>
/// (<see cref="CefDocumentWriter"/>), each committed as it arrives (CEF is a low-rate side input).
/// <para>
/// The <c>_id</c> (<see cref="Compute(ContentId, in DnsEvent, Span{byte})"/>) hashes what identifies the query: where it was logged
/// (observer address and host name, program, input), the log's format, its event time and every
/// parsed field of the query and its answer. The time of receipt is left out, like for flows, so the
/// same log line read twice (a file tailed again, a syslog repeat) gets the same id.
/// </para>
/// </summary>
public sealed class ElasticsearchDnsSink : IDnsEventSink
{
    private static readonly DocumentBytesWriter<DnsEvent> Document = static (IBufferWriter<byte> output, in DnsEvent e) => DnsDocumentWriter.Write(output, in e);
    private readonly SpoolDocumentWriter _writer;
    private static readonly SpoolDocument<CefInputEvent> CefDocument = static (Utf8JsonWriter w, in CefInputEvent e) => CefDocumentWriter.Write(w, in e);
    private readonly string _stream;
    private readonly string _cefStream;
    private readonly ContentId _ids = new();

    public ElasticsearchDnsSink(DiskSpool spool, string ns, ElasticsearchCounters counters)
    {
        _writer = new SpoolDocumentWriter(spool, counters);
        _stream = DataStreams.Name(DataStreams.DnsDataset, ns);
        _cefStream = DataStreams.Name(DataStreams.CefDataset, ns);
    }

    public string Name => "elasticsearch-dns";

    public void Write(ReadOnlySpan<DnsEvent> events)
    {
        Span<byte> id = stackalloc byte[DocumentId.Length];
        foreach (ref readonly DnsEvent e in events)
        {
            Compute(_ids, in e, id);
            _writer.Append(_stream, id, in e, Document);
        }
        _writer.Commit();
    }

    public void WriteCef(in CefInputEvent cef)
    {
        Span<byte> id = stackalloc byte[DocumentId.Length];
        Compute(_ids, in cef, id);
        _writer.Append(_cefStream, id, in cef, CefDocument);
        _writer.Commit();
    }

    /// <summary>
    /// The <c>_id</c> of a CEF event (22 ASCII bytes): sender, host name, input, the syslog header's
    /// time and the whole CEF message, so the same message read twice gets the same id.
    /// </summary>
    public static void Compute(ContentId ids, in CefInputEvent e, Span<byte> destination)
    {
        ids.Begin(DataStreams.CefDataset).Add(e.Sender).Add(e.Hostname).Add(e.Input).Add(e.HeaderTimeNs).Add(e.Cef.Original);
        ids.Finish(destination);
    }

    public void Tick(DateTimeOffset now) => _writer.Commit();

    public void Flush() => _writer.Commit();

    public void Close() => _writer.Commit();

    /// <summary>The <c>_id</c> of a DNS event (22 ASCII bytes).</summary>
    public static void Compute(ContentId ids, in DnsEvent e, Span<byte> destination)
    {
        ref readonly var q = ref e.Query;
        ids.Begin(DataStreams.DnsDataset)
            .Add(e.Observer).Add(e.ObserverHostname).Add(e.AppName).Add(e.Input)
            .Add((long)q.Format).Add(e.TimestampNs)
            .Add(q.ClientIp).Add(q.ClientPort).Add(q.QueryName).Add(q.QueryType).Add(q.QueryClass)
            .Add(q.ResponseCode).Add(q.Server).Add(q.ServerPort).Add(q.Upstream).Add(q.View)
            .Add(q.Serial).Add(q.QueryId).Add(q.Uid).Add(q.Transport).Add((long)q.Flags)
            .Add(q.DurationNs).Add(q.ResponseBytes).Add(q.AnswersDropped);
        ids.Add(q.Answers?.Count ?? -1);
        if (q.Answers is { } answers)
        {
            foreach (var a in answers) ids.Add(a);
        }
        ids.Finish(destination);
    }
}
