using System.Buffers;
using System.Text.Encodings.Web;
using System.Text.Json;
using FlowRelay.Engine.Ecs;
using FlowRelay.Engine.Events;
using FlowRelay.Spool;

namespace FlowRelay.Emit.Elasticsearch;

/// <summary>
/// The pipeline's Elasticsearch stage: serializes each flow as ECS JSON, gives it its deterministic
/// <c>_id</c> and appends it to the disk spool (target <c>logs-flowrelay.flow-&lt;namespace&gt;</c>); the
/// <see cref="ElasticsearchSender"/> delivers from there. Each batch is committed to the spool before
/// <see cref="Write"/> returns, so an event the pipeline handed over survives a crash of the relay.
/// </summary>
public sealed class ElasticsearchSink : IFlowEventSink
{
    private readonly DiskSpool _spool;
    private readonly string _flowStream;
    private readonly ArrayBufferWriter<byte> _buffer = new(16 * 1024);
    private readonly Utf8JsonWriter _json;
    private readonly DocumentId _ids = new();
    private readonly ElasticsearchCounters _counters;

    public ElasticsearchSink(DiskSpool spool, string ns, ElasticsearchCounters counters)
    {
        _spool = spool;
        _flowStream = DataStreams.Name(DataStreams.FlowDataset, ns);
        _counters = counters;
        _json = new Utf8JsonWriter(_buffer, new JsonWriterOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping, SkipValidation = true });
    }

    public string Name => "elasticsearch";

    public void Write(ReadOnlySpan<FlowEvent> events)
    {
        Span<byte> id = stackalloc byte[DocumentId.Length];
        for (int i = 0; i < events.Length; i++)
        {
            _buffer.ResetWrittenCount();
            _json.Reset();
            FlowDocumentWriter.Write(_json, in events[i]);
            _json.Flush();
            _ids.Compute(in events[i], id);
            if (!_spool.Append(_flowStream, id, _buffer.WrittenSpan)) _counters.SpoolRefused++;
        }
        _spool.Commit();
    }

    public void Tick(DateTimeOffset now) => _spool.Commit();

    public void Flush() => _spool.Commit();

    public void Close() => _spool.Commit();
}
