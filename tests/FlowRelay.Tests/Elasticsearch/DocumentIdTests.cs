using System.Net;
using FlowRelay.Emit.Elasticsearch;
using FlowRelay.Engine.Events;
using FlowRelay.Protocols.Flows;
using Xunit;

namespace FlowRelay.Tests.Elasticsearch;

public sealed class DocumentIdTests
{
    private static FlowEvent Event(uint sequence, ushort sourcePort, ulong bytes)
    {
        var e = new FlowEvent();
        ref var f = ref e.Flow;
        f.Exporter = IpAddr.From(IPAddress.Parse("192.0.2.1"));
        f.Version = 10;
        f.SourceId = 7;
        f.Sequence = sequence;
        f.ExportNs = 1_767_225_600_000_000_000;
        f.SourceAddress = IpAddr.From(IPAddress.Parse("10.1.2.3"));
        f.DestinationAddress = IpAddr.From(IPAddress.Parse("2001:db8::9"));
        f.SourcePort = sourcePort;
        f.DestinationPort = 443;
        f.Protocol = 6;
        f.Bytes = bytes;
        f.Packets = 3;
        return e;
    }

    [Fact]
    public void Records_of_one_packet_get_their_index_in_it_and_ids_that_differ_and_repeat_exactly()
    {
        // Two export packets, three and two records: record indexes 0, 1, 2 then 0, 1.
        FlowEvent[] events = [Event(100, 50000, 10), Event(100, 50001, 20), Event(100, 50002, 30), Event(101, 50000, 10), Event(101, 50003, 40)];
        int[] indexes = [0, 1, 2, 0, 1];
        var ids = new DocumentId();
        var seen = new HashSet<string>();
        Span<byte> a = stackalloc byte[DocumentId.Length], b = stackalloc byte[DocumentId.Length];
        for (int i = 0; i < events.Length; i++)
        {
            ids.Compute(in events[i], a);
            DocumentId.Compute(in events[i].Flow, indexes[i], b);
            Assert.Equal(b.ToArray(), a.ToArray());
            Assert.True(seen.Add(System.Text.Encoding.ASCII.GetString(a)));
        }
        // The same record again (a repeated packet) gives the same id again.
        var again = new DocumentId();
        again.Compute(in events[0], a);
        DocumentId.Compute(in events[0].Flow, 0, b);
        Assert.Equal(b.ToArray(), a.ToArray());
        // Pinned: an id that changed between versions would index a resent capture twice.
        Assert.Equal("zuQ1vdZ27HyozB1A0fUo2Q", System.Text.Encoding.ASCII.GetString(a));
    }
}
