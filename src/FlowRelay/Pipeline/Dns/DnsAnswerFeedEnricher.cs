using FlowRelay.Engine.Enrich;
using FlowRelay.Engine.Events;

namespace FlowRelay.Pipeline.Dns;

/// <summary>
/// Runs on the flow pipeline's loop and moves the DNS answers queued by the DNS pipeline into the
/// <see cref="DnsAnswerCache"/> before the DNS join looks at the batch.
/// </summary>
public sealed class DnsAnswerFeedEnricher(DnsAnswerFeed feed, DnsAnswerCache cache) : IFlowEnricher
{
    public void Enrich(Span<FlowEvent> events) => feed.DrainInto(cache);
}
