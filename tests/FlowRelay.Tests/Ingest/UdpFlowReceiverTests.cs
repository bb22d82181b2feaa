using System.Net;
using System.Net.Sockets;
using FlowRelay.Ingest;
using FlowRelay.Protocols.Flows;
using Microsoft.Extensions.Logging.Abstractions;
using Xunit;

namespace FlowRelay.Tests.Ingest;

public class UdpFlowReceiverTests
{
    [Fact]
    public async Task A_full_queue_holds_the_receiver_back_and_the_socket_keeps_the_rest_until_there_is_room()
    {
        // Nobody reads the 16-deep queue at first: the receiver queues 16, waits with the 17th, and
        // leaves the other 33 in the socket's buffer. Once the queue is read, all 50 come through
        // in order, and nothing was dropped.
        var channel = new PacketChannel(16);
        using var receiver = new UdpFlowReceiver(new IPEndPoint(IPAddress.Loopback, 0), 1 << 20, channel, NullLogger<UdpFlowReceiver>.Instance);
        await receiver.StartAsync(CancellationToken.None);
        try
        {
            using (var client = new UdpClient(AddressFamily.InterNetwork))
            {
                for (int i = 0; i < 50; i++) await client.SendAsync(new byte[] { 0, 5, (byte)i }, receiver.BoundEndpoint!);
            }
            Assert.True(await Eventually.HoldsAsync(() => Interlocked.Read(ref receiver.Counters.QueueFullWaits) == 1, TimeSpan.FromSeconds(10)));
            Assert.Equal(16, channel.Count);
            Assert.Equal(17, Interlocked.Read(ref receiver.Counters.Datagrams));

            var seen = new List<byte>();
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            while (seen.Count < 50)
            {
                var packet = await channel.Reader.ReadAsync(timeout.Token);
                Assert.Equal(new byte[] { 0, 5 }, packet.Span[..2].ToArray());
                Assert.Equal(IpAddr.From(IPAddress.Loopback), packet.Exporter);
                Assert.True(packet.ReceivedNs > 0);
                seen.Add(packet.Span[2]);
                PacketChannel.Release(packet);
            }
            Assert.Equal(Enumerable.Range(0, 50).Select(i => (byte)i), seen);
            Assert.Equal(50, Interlocked.Read(ref receiver.Counters.Datagrams));
            Assert.Equal(150, Interlocked.Read(ref receiver.Counters.Bytes));
            Assert.Equal(0, Interlocked.Read(ref receiver.Counters.DroppedQueueFull));
        }
        finally
        {
            await receiver.StopAsync(CancellationToken.None);
        }
    }

    [Fact]
    public async Task A_receiver_waiting_for_room_stops_when_the_relay_does_and_counts_the_datagram_it_held()
    {
        var channel = new PacketChannel(2);
        using var receiver = new UdpFlowReceiver(new IPEndPoint(IPAddress.Loopback, 0), 1 << 20, channel, NullLogger<UdpFlowReceiver>.Instance);
        await receiver.StartAsync(CancellationToken.None);
        using (var client = new UdpClient(AddressFamily.InterNetwork))
        {
            for (int i = 0; i < 3; i++) await client.SendAsync(new byte[] { 0, 5, (byte)i }, receiver.BoundEndpoint!);
        }
        Assert.True(await Eventually.HoldsAsync(() => Interlocked.Read(ref receiver.Counters.QueueFullWaits) == 1, TimeSpan.FromSeconds(10)));

        await receiver.StopAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal(2, channel.Count);
        Assert.Equal(1, Interlocked.Read(ref receiver.Counters.DroppedQueueFull));
        while (channel.Reader.TryRead(out var packet)) PacketChannel.Release(packet);
    }

    [Fact]
    public async Task The_kernels_drops_on_a_full_socket_are_read_for_that_socket_and_no_other()
    {
        // Two sockets nobody reads, one with the smallest receive buffer and flooded, one sent a
        // single datagram: only the first has kernel drops, and each reader finds its own row.
        using var flooded = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp) { ReceiveBufferSize = 1 };
        using var quiet = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        flooded.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        quiet.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        var floodedDrops = KernelUdpDrops.For(flooded);
        var quietDrops = KernelUdpDrops.For(quiet);
        Assert.NotNull(floodedDrops);
        Assert.NotNull(quietDrops);
        Assert.Equal(0, floodedDrops.Read());

        using var client = new UdpClient(AddressFamily.InterNetwork);
        var payload = new byte[1200];
        for (int i = 0; i < 200; i++) await client.SendAsync(payload, (IPEndPoint)flooded.LocalEndPoint!);
        await client.SendAsync(payload, (IPEndPoint)quiet.LocalEndPoint!);

        Assert.True(await Eventually.HoldsAsync(() => floodedDrops.Read() >= 150, TimeSpan.FromSeconds(10)), $"drops read: {floodedDrops.Read()}");
        Assert.Equal(0, quietDrops.Read());
        Assert.True(quiet.Available > 0); // the one datagram is there, not dropped
    }

    [Fact]
    public void A_receive_buffer_past_rmem_max_is_forced_with_CAP_NET_ADMIN_and_capped_without()
    {
        long rmemMax = long.Parse(File.ReadAllText("/proc/sys/net/core/rmem_max").Trim());
        int want = (int)Math.Min(256L << 20, rmemMax * 4);
        string capEff = File.ReadLines("/proc/self/status").First(l => l.StartsWith("CapEff:", StringComparison.Ordinal));
        bool netAdmin = (Convert.ToUInt64(capEff["CapEff:".Length..].Trim(), 16) & (1UL << 12)) != 0;
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);

        bool forced = UdpReceiveLoop.SetReceiveBuffer(socket, want);

        Assert.Equal(netAdmin, forced);
        // Linux reports twice what it grants.
        if (forced) Assert.True(socket.ReceiveBufferSize >= want, $"{socket.ReceiveBufferSize} < {want}");
        else Assert.True(socket.ReceiveBufferSize <= rmemMax * 2, $"{socket.ReceiveBufferSize} > 2 x {rmemMax}");
    }

    [Fact]
    public void Packet_buffers_of_a_queue_thousands_deep_are_reused_not_allocated_again()
    {
        // A queue this deep (a collection or a burst) once made every rent past the shared pool's few
        // dozen arrays allocate, and every return drop its array for the collector.
        const int Deep = 4000;
        var held = new byte[Deep][];
        for (int i = 0; i < Deep; i++) held[i] = PacketChannel.Rent(1400);
        foreach (var b in held) PacketChannel.Return(b);
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < Deep; i++) held[i] = PacketChannel.Rent(1400);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        foreach (var b in held) PacketChannel.Return(b);
        Assert.All(held, b => Assert.Equal(PacketChannel.SlotSize, b.Length));
        // Other tests' receivers share the pool and may take a few slots meanwhile: allow a tenth.
        Assert.True(allocated < Deep * PacketChannel.SlotSize / 10, $"{allocated} bytes allocated");
        // A jumbo datagram still gets a buffer that holds it.
        var jumbo = PacketChannel.Rent(9000);
        Assert.True(jumbo.Length >= 9000);
        PacketChannel.Return(jumbo);
    }

    [Fact]
    public async Task A_port_in_use_stops_start_up_with_the_address_in_the_message()
    {
        using var busy = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
        var taken = (IPEndPoint)busy.Client.LocalEndPoint!;
        using var receiver = new UdpFlowReceiver(taken, 1 << 20, new PacketChannel(16), NullLogger<UdpFlowReceiver>.Instance);
        var e = await Assert.ThrowsAsync<ListenerBindException>(() => receiver.StartAsync(CancellationToken.None));
        Assert.Equal($"cannot listen on udp {taken}: the address is already in use (is another collector running?)", e.Message);
    }

    [Fact]
    public void Ipv4_mapped_senders_are_reported_as_ipv4()
    {
        var sa = new IPEndPoint(IPAddress.Parse("::ffff:192.0.2.9"), 2055).Serialize();
        Assert.Equal(IpAddr.From(IPAddress.Parse("192.0.2.9")), UdpFlowReceiver.ExporterOf(sa));
        var v6 = new IPEndPoint(IPAddress.Parse("2001:db8::7"), 2055).Serialize();
        Assert.Equal(IpAddr.From(IPAddress.Parse("2001:db8::7")), UdpFlowReceiver.ExporterOf(v6));
    }
}
