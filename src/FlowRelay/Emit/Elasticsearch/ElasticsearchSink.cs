using System.Buffers;
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
    private static readonly DocumentBytesWriter<FlowEvent> Document = static (IBufferWriter<byte> output, in FlowEvent e) => FlowDocumentWriter.Write(output, in e);
    private readonly SpoolDocumentWriter _writer;
    private readonly string _flowStream;
    private readonly DocumentId _ids = new();

    public ElasticsearchSink(DiskSpool spool, string ns, ElasticsearchCounters counters)
    {
        _writer = new SpoolDocumentWriter(spool, counters);
        _flowStream = DataStreams.Name(DataStreams.FlowDataset, ns);
    }

    public string Name => "elasticsearch";

    public void Write(ReadOnlySpan<FlowEvent> events)
    {
        Span<byte> id = stackalloc byte[DocumentId.Length];
        for (int i = 0; i < events.Length; i++)
        {
            _ids.Compute(in events[i], id);
            _writer.Append(_flowStream, id, in events[i], Document);
        }
        _writer.Commit();
    }

    public void Tick(DateTimeOffset now) => _writer.Commit();

    public void Flush() => _writer.Commit();

    public void Close() => _writer.Commit();
}
