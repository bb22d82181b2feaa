using FlowRelay.Protocols.Tests.Support;

namespace FlowRelay.Protocols.Tests;

/// <summary>Bytes allocated is a count, not a timing: asserting it is deterministic.</summary>
public class AllocationTests
{
    public static TheoryData<string> Kinds => new() { "v5", "v9", "ipfix", "ipfix+template", "v9+template" };

    [Theory]
    [MemberData(nameof(Kinds))]
    public void Warm_decoding_allocates_nothing(string kind)
    {
        var d = new FlowDecoder(new FlowDecoderOptions());
        d.DecodeAll(Samples.IpfixPacket(1));
        d.DecodeAll(Samples.V9Packet(1));
        var packet = kind switch
        {
            "v5" => Samples.V5Packet(30),
            "v9" => Samples.V9Packet(24, withTemplate: false),
            "v9+template" => Samples.V9Packet(24),
            "ipfix" => Samples.IpfixPacket(28, withTemplate: false),
            _ => Samples.IpfixPacket(28),
        };
        var sink = new CountingSink();
        for (int i = 0; i < 200; i++) d.Decode(packet, DecoderExtensions.Exporter, i, ref sink);
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 5_000; i++) d.Decode(packet, DecoderExtensions.Exporter, i, ref sink);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.True(sink.Count > 5_000);
        Assert.Equal(0, allocated);
    }
}
