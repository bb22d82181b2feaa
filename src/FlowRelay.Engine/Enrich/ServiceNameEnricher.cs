using FlowRelay.Engine.Events;
using FlowRelay.Protocols.Flows;

namespace FlowRelay.Engine.Enrich;

/// <summary>
/// Sets ECS <c>network.protocol</c> from the server's port (<see cref="ServiceNames"/>): the server
/// side the client/server enricher chose, else the destination; falls back to the other port
/// when the server's is not well known.
/// </summary>
public sealed class ServiceNameEnricher : IFlowEnricher
{
    /// <inheritdoc />
    public void Enrich(Span<FlowEvent> events)
    {
        for (int i = 0; i < events.Length; i++)
        {
            ref FlowEvent e = ref events[i];
            ref FlowRecord f = ref e.Flow;
            if ((f.Present & FlowFields.Ports) == 0)
            {
                e.ApplicationProtocol = null;
                continue;
            }
            bool serverIsDestination = e.ClientServerReason == ClientServerReason.None || e.ClientIsSource;
            ushort server = serverIsDestination ? f.DestinationPort : f.SourcePort;
            ushort other = serverIsDestination ? f.SourcePort : f.DestinationPort;
            e.ApplicationProtocol = ServiceNames.ForPort(f.Protocol, server) ?? ServiceNames.ForPort(f.Protocol, other);
        }
    }
}
