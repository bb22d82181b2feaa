using FlowRelay.Engine.Events;
using FlowRelay.Protocols.Cef;

namespace FlowRelay.Pipeline.Dns;

/// <summary>
/// Where the DNS pipeline's events go (NDJSON files now; Elasticsearch and CEF forwarding register
/// the same way). All methods are called from the DNS pipeline's loop only.
/// </summary>
public interface IDnsEventSink
{
    /// <summary>Name used in logs and stats.</summary>
    string Name { get; }

    /// <summary>Takes a batch of DNS query events; may buffer them.</summary>
    void Write(ReadOnlySpan<DnsEvent> events);

    /// <summary>Takes one CEF event received from another device.</summary>
    void WriteCef(in CefInputEvent cef);

    /// <summary>Time-driven work (periodic flush, rotation).</summary>
    void Tick(DateTimeOffset now);

    /// <summary>Makes everything written so far durable.</summary>
    void Flush();

    /// <summary>Flushes and releases resources; called once when the pipeline stops.</summary>
    void Close();
}
