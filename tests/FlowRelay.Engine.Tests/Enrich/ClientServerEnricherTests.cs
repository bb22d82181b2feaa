using FlowRelay.Engine.Enrich;
using FlowRelay.Engine.Events;
using FlowRelay.Protocols.Flows;

namespace FlowRelay.Engine.Tests.Enrich;

public class ClientServerEnricherTests
{
    private const byte Syn = 0x02, Ack = 0x10, Psh = 0x08, Fin = 0x01;

    private static ClientServerEnricher New(int maxPairs = 1024, params int[] servicePorts) =>
        new(TimeSpan.FromSeconds(30), maxPairs, servicePorts);

    private static FlowEvent Run(ClientServerEnricher enricher, FlowEvent e)
    {
        var batch = new[] { e };
        enricher.Enrich(batch);
        return batch[0];
    }

    private static void AssertDecision(in FlowEvent e, ClientServerReason reason, bool clientIsSource, byte confidence)
    {
        Assert.Equal(reason, e.ClientServerReason);
        Assert.Equal(clientIsSource, e.ClientIsSource);
        Assert.Equal(confidence, e.ClientServerConfidence);
    }

    [Fact]
    public void Paired_records_the_earlier_sender_is_the_client()
    {
        // The server's reply record arrives first (in the same batch); the client's record started 3 ms earlier.
        var request = Flows.Event("10.0.0.5", "93.184.216.34", 40000, 443, startNs: Flows.T0);
        var reply = Flows.Reverse(request, Flows.T0 + 3_000_000);
        var batch = new[] { reply, request };
        var enricher = New();
        enricher.Enrich(batch);

        AssertDecision(batch[0], ClientServerReason.PairedStartTime, clientIsSource: false, 90);
        AssertDecision(batch[1], ClientServerReason.PairedStartTime, clientIsSource: true, 90);
        Assert.Equal(Flows.Ip("10.0.0.5"), batch[0].Client.Ip);
        Assert.Equal((ushort)443, batch[0].Server.Port);
        Assert.Equal(2, enricher.Paired);
    }

    [Fact]
    public void Pairing_works_across_batches_within_the_window_only()
    {
        var enricher = New();
        // A high port talking to a high port: only the pair can tell; the request started first.
        var request = Flows.Event("10.0.0.5", "10.0.0.6", 50000, 40000, flags: null, startNs: Flows.T0);
        AssertDecision(Run(enricher, request), ClientServerReason.LowerPort, true, 60);

        var reply = Flows.Reverse(request, Flows.T0 + 1_000_000, flags: null);
        AssertDecision(Run(enricher, reply), ClientServerReason.PairedStartTime, false, 90);

        // The same reply 31 s after the request's record ended is outside the 30 s window.
        var late = Flows.Reverse(request, Flows.T0 + 1_000_000, flags: null);
        late.Flow.EndNs = request.Flow.EndNs + 31_000_000_000;
        enricher = New();
        Run(enricher, request);
        AssertDecision(Run(enricher, late), ClientServerReason.LowerPort, false, 60);
    }

    [Fact]
    public void Pairing_needs_the_same_exporter()
    {
        var enricher = New();
        var request = Flows.Event("10.0.0.5", "10.0.0.6", 50000, 40000, flags: null, startNs: Flows.T0);
        Run(enricher, request);
        var reply = Flows.Reverse(request, Flows.T0 + 1_000_000, flags: null);
        reply.Flow.Exporter = Flows.Ip("192.0.2.2");
        AssertDecision(Run(enricher, reply), ClientServerReason.LowerPort, false, 60);
    }

    [Fact]
    public void Paired_with_equal_start_times_falls_through_to_the_heuristics()
    {
        var request = Flows.Event("10.0.0.5", "10.0.0.6", 50000, 40000, flags: Syn, startNs: Flows.T0);
        var reply = Flows.Reverse(request, Flows.T0, flags: Syn | Ack);
        var batch = new[] { request, reply };
        New().Enrich(batch);
        AssertDecision(batch[0], ClientServerReason.TcpSyn, true, 90);
        // The reply's own flags have ACK; its paired reverse is SYN-only, so the destination is the client.
        AssertDecision(batch[1], ClientServerReason.TcpSyn, false, 90);
    }

    [Fact]
    public void Syn_without_ack_marks_the_sender_as_client_even_on_a_service_port()
    {
        // A scan from port 80 to a high port: the SYN says who started, not the ports.
        var e = Run(New(), Flows.Event("203.0.113.7", "10.0.0.5", 80, 51234, flags: Syn));
        AssertDecision(e, ClientServerReason.TcpSyn, true, 90);
    }

    [Theory]
    [InlineData((byte)(Syn | Ack | Psh | Fin))]
    [InlineData((byte)Ack)]
    public void Syn_with_ack_or_no_syn_says_nothing(byte flags)
    {
        var e = Run(New(), Flows.Event("10.0.0.5", "10.0.0.6", 50000, 40000, flags: flags));
        Assert.Equal(ClientServerReason.LowerPort, e.ClientServerReason);
    }

    [Fact]
    public void Flags_are_ignored_when_the_exporter_sent_none()
    {
        var e = Flows.Event("10.0.0.5", "10.0.0.6", 50000, 40000, flags: null);
        e.Flow.TcpFlags = Syn; // left over, but not flagged present
        Assert.Equal(ClientServerReason.LowerPort, Run(New(), e).ClientServerReason);
    }

    [Theory]
    [InlineData(1, 8, true)]      // echo request
    [InlineData(1, 0, false)]     // echo reply
    [InlineData(1, 13, true)]     // timestamp
    [InlineData(58, 128, true)]   // ICMPv6 echo request
    [InlineData(58, 129, false)]  // ICMPv6 echo reply
    public void Icmp_request_sender_is_the_client(byte proto, byte type, bool clientIsSource)
    {
        string src = proto == 1 ? "10.0.0.5" : "fd00::5", dst = proto == 1 ? "8.8.8.8" : "2001:4860::8888";
        var e = Flows.Event(src, dst, 0, (ushort)(type << 8), proto, flags: null);
        AssertDecision(Run(New(), e), ClientServerReason.IcmpType, clientIsSource, 90);
    }

    [Fact]
    public void Icmp_without_a_type_request_or_reply_falls_to_start_time()
    {
        var e = Flows.Event("10.0.0.5", "8.8.8.8", 0, 3 << 8 | 3, 1, flags: null); // destination unreachable
        AssertDecision(Run(New(), e), ClientServerReason.StartTime, true, 40);
    }

    [Theory]
    [InlineData(40000, 443, true)]   // well-known on the destination
    [InlineData(53, 61000, false)]   // well-known on the source: a DNS reply record
    [InlineData(40000, 8443, true)]  // configured service port
    [InlineData(8443, 9999, false)]  // both configured: falls to the lower port (8443, the source)
    public void Service_port_on_exactly_one_side_is_the_server(int sport, int dport, bool clientIsSource)
    {
        var e = Run(New(1024, 8443, 9999), Flows.Event("10.0.0.5", "10.0.0.6", (ushort)sport, (ushort)dport, 17, flags: null));
        var expected = sport == 8443 && dport == 9999 ? ClientServerReason.LowerPort : ClientServerReason.ServicePort;
        Assert.Equal(expected, e.ClientServerReason);
        Assert.Equal(clientIsSource, e.ClientIsSource);
    }

    [Fact]
    public void Both_ports_well_known_the_lower_is_the_server()
    {
        // NTP symmetric mode 123 ↔ 123 is equal; 68 → 67 (DHCP) both below 1024: the lower (67) is the server.
        var e = Run(New(), Flows.Event("10.0.0.5", "10.0.0.1", 68, 67, 17, flags: null));
        AssertDecision(e, ClientServerReason.LowerPort, true, 60);
    }

    [Fact]
    public void Equal_ports_with_nothing_else_fall_to_start_time()
    {
        var e = Run(New(), Flows.Event("10.0.0.5", "10.0.0.1", 123, 123, 17, flags: null));
        AssertDecision(e, ClientServerReason.StartTime, true, 40);
    }

    [Fact]
    public void Protocol_without_ports_falls_to_start_time()
    {
        var e = Flows.Event("10.0.0.5", "10.0.0.1", 0, 0, 47, flags: null); // GRE
        e.Flow.Present &= ~FlowFields.Ports;
        AssertDecision(Run(New(), e), ClientServerReason.StartTime, true, 40);
    }

    [Fact]
    public void No_addresses_no_decision()
    {
        var e = Flows.Event("10.0.0.5", "10.0.0.1");
        e.Flow.SourceAddress = default;
        Assert.Equal(ClientServerReason.None, Run(New(), e).ClientServerReason);
    }

    [Fact]
    public void A_flood_of_distinct_flows_stays_at_the_table_bound_and_counts_evictions()
    {
        var enricher = New(maxPairs: 1000);
        var batch = new FlowEvent[1000];
        for (int round = 0; round < 50; round++)
        {
            for (int i = 0; i < batch.Length; i++)
            {
                int n = round * batch.Length + i;
                batch[i] = Flows.Event("10.0.0.5", "198.51.100.1", (ushort)(1024 + n % 60000), (ushort)(n / 60000 + 1), 17, flags: null);
            }
            enricher.Enrich(batch);
        }
        Assert.Equal(1024, enricher.Table.Capacity);
        Assert.True(enricher.Table.Count <= enricher.Table.Capacity);
        Assert.True(enricher.Table.Evictions >= 50_000 - 1024, $"evictions {enricher.Table.Evictions}");
    }
}
