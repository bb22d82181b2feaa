using FlowRelay.Engine.Enrich;
using FlowRelay.Engine.Events;

namespace FlowRelay.Engine.Tests.Enrich;

public class ServiceNameEnricherTests
{
    [Theory]
    [InlineData(6, 40000, 443, "https")]
    [InlineData(17, 40000, 443, "quic")]
    [InlineData(17, 53, 61000, "dns")]     // reply record: the server's port is the source's
    [InlineData(6, 40000, 22, "ssh")]
    [InlineData(6, 40000, 80, "http")]
    [InlineData(17, 40000, 123, "ntp")]
    [InlineData(6, 40000, 41000, null)]
    [InlineData(47, 0, 0, null)]
    public void Protocol_from_the_servers_port(byte proto, int sport, int dport, string? expected)
    {
        var events = new[] { Flows.Event("10.0.0.5", "8.8.8.8", (ushort)sport, (ushort)dport, proto, flags: null) };
        new ClientServerEnricher(TimeSpan.FromSeconds(30), 64).Enrich(events);
        new ServiceNameEnricher().Enrich(events);
        Assert.Equal(expected, events[0].ApplicationProtocol);
    }

    [Fact]
    public void Without_a_client_server_decision_the_destination_port_comes_first()
    {
        var events = new[] { Flows.Event("10.0.0.5", "10.0.0.6", 53, 22, 6, flags: null) };
        new ServiceNameEnricher().Enrich(events);
        Assert.Equal("ssh", events[0].ApplicationProtocol);
        Assert.Equal(ClientServerReason.None, events[0].ClientServerReason);
    }
}
