using System.Buffers.Binary;
using FlowRelay.Engine.Events;
using FlowRelay.Pipeline;
using FlowRelay.Protocols;
using FlowRelay.Protocols.Flows;
using Xunit;

namespace FlowRelay.Tests.Pipeline;

/// <summary>The decoder writes each record straight into the pipeline's batch; nothing stale or half-written may stay in it.</summary>
public class BatchRecordSinkTests
{
    [Fact]
    public void Reused_slots_and_a_record_abandoned_half_way_leave_nothing_behind()
    {
        var batch = new EventBatch<FlowEvent>(4);
        // A used batch coming back from the emitter: its slots still hold an earlier batch's events.
        for (int i = 0; i < 4; i++)
        {
            ref var old = ref batch.Add();
            old.Flow.SourceAddress = IpAddr.FromV4(0x0A0A0A0A);
            old.Flow.Bytes = 999;
            old.SourceSite = "stale";
            old.ClientIsSource = true;
        }
        batch.Clear();

        // Template 400: sourceIPv4Address, then interfaceName (variable length). The set's second
        // record names 50 bytes where one is left: the decoder has written its source address into
        // the slot before it finds the overrun. Template 401 (destinationIPv4Address) follows.
        var message = Ipfix(
            Set(2, U16(400), U16(2), U16(8), U16(4), U16(82), U16(0xFFFF), U16(401), U16(1), U16(12), U16(4)),
            Set(400, [192, 0, 2, 1], [2, 0x65, 0x30], [192, 0, 2, 2], [50, 0x65]),
            Set(401, [198, 51, 100, 7]));
        var decoder = new FlowDecoder(new FlowDecoderOptions());
        var sink = new BatchRecordSink(batch);
        var result = decoder.Decode(message, IpAddr.FromV4(0x7F000001), 1_767_225_600_000_000_000, ref sink);

        Assert.Equal(DecodeStatus.BadRecord, result.Status);
        Assert.Equal(2, batch.Count);
        var first = batch.Items[0];
        Assert.Equal("192.0.2.1", first.Flow.SourceAddress.ToString());
        Assert.False(first.Flow.DestinationAddress.IsSet);
        var second = batch.Items[1];
        Assert.False(second.Flow.SourceAddress.IsSet); // not 192.0.2.2, the abandoned record's
        Assert.Equal("198.51.100.7", second.Flow.DestinationAddress.ToString());
        foreach (var e in batch.Items)
        {
            Assert.Equal(0ul, e.Flow.Bytes);
            Assert.Null(e.SourceSite);
            Assert.False(e.ClientIsSource);
        }
    }

    private static byte[] U16(int v) => [(byte)(v >> 8), (byte)v];

    private static byte[] Set(int id, params byte[][] parts)
    {
        var body = parts.SelectMany(p => p).ToArray();
        return [.. U16(id), .. U16(4 + body.Length), .. body];
    }

    private static byte[] Ipfix(params byte[][] sets)
    {
        var body = sets.SelectMany(s => s).ToArray();
        var header = new byte[16];
        BinaryPrimitives.WriteUInt16BigEndian(header, 10);
        BinaryPrimitives.WriteUInt16BigEndian(header.AsSpan(2), (ushort)(16 + body.Length));
        BinaryPrimitives.WriteUInt32BigEndian(header.AsSpan(4), 1_767_225_600);
        BinaryPrimitives.WriteUInt32BigEndian(header.AsSpan(8), 1);
        BinaryPrimitives.WriteUInt32BigEndian(header.AsSpan(12), 7);
        return [.. header, .. body];
    }
}
