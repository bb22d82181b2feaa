using System.Buffers;
using System.Text.Json;
using FlowRelay.Engine.Ecs;
using FlowRelay.Engine.Events;
using FlowRelay.Pipeline.Dns;

namespace FlowRelay.Tests.Dns;

/// <summary>Keeps every document the DNS pipeline writes, rendered as the NDJSON sink would.</summary>
internal sealed class CapturingDnsSink : IDnsEventSink
{
    private readonly Lock _gate = new();
    public List<JsonElement> Dns { get; } = [];
    public List<JsonElement> Cef { get; } = [];
    public int Flushes;

    public string Name => "capture";

    public void Write(ReadOnlySpan<DnsEvent> events)
    {
        foreach (var e in events)
        {
            var doc = Render(w => DnsDocumentWriter.Write(w, e));
            lock (_gate) Dns.Add(doc);
        }
    }

    public void WriteCef(in CefInputEvent cef)
    {
        var c = cef;
        var doc = Render(w => CefDocumentWriter.Write(w, c));
        lock (_gate) Cef.Add(doc);
    }

    public int DnsCount
    {
        get { lock (_gate) return Dns.Count; }
    }

    public void Tick(DateTimeOffset now) { }
    public void Flush() => Interlocked.Increment(ref Flushes);
    public void Close() { }

    private static JsonElement Render(Action<Utf8JsonWriter> write)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var w = new Utf8JsonWriter(buffer)) write(w);
        return JsonDocument.Parse(buffer.WrittenMemory).RootElement.Clone();
    }
}
