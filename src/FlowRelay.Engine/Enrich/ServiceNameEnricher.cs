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
    /// <remarks>Rules compute the name on demand (<see cref="For"/>) when this did not run.</remarks>
    public bool DocumentsOnly => true;

    /// <inheritdoc />
    public void Enrich(Span<FlowEvent> events)
    {
        for (int i = 0; i < events.Length; i++)
        {
            ref FlowEvent e = ref events[i];
            e.ApplicationProtocol = For(e);
        }
    }

    /// <summary>The name this enricher sets for <paramref name="e"/> (after the client/server decision), or null.</summary>
    public static string? For(in FlowEvent e)
    {
        ref readonly FlowRecord f = ref e.Flow;
        if ((f.Present & FlowFields.Ports) == 0) return null;
        bool serverIsDestination = e.ClientServerReason == ClientServerReason.None || e.ClientIsSource;
        ushort server = serverIsDestination ? f.DestinationPort : f.SourcePort;
        ushort other = serverIsDestination ? f.SourcePort : f.DestinationPort;
        return ServiceNames.ForPort(f.Protocol, server) ?? ServiceNames.ForPort(f.Protocol, other);
    }
}
