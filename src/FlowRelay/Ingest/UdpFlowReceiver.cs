using System.Buffers;
using System.Net;
using System.Net.Sockets;
using FlowRelay.Ingest.Hardening;
using FlowRelay.Protocols.Flows;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace FlowRelay.Ingest;

/// <summary>
/// Receives NetFlow/IPFIX datagrams on one UDP address and hands them, unparsed, to the
/// <see cref="PacketChannel"/>. The socket loop only copies bytes: decoding happens in the pipeline.
/// </summary>
public sealed class UdpFlowReceiver : BackgroundService
{
    private readonly IPEndPoint _endpoint;
    private readonly int _receiveBufferSize;
    private readonly PacketChannel _channel;
    private readonly ILogger<UdpFlowReceiver> _logger;
    private readonly ExporterAllowlist? _allowlist;
    private readonly SourceRateLimiter? _rateLimiter;
    private Socket? _socket;

    /// <param name="endpoint">Address and port to listen on.</param>
    /// <param name="receiveBufferSize">SO_RCVBUF asked for (the kernel caps it at net.core.rmem_max).</param>
    /// <param name="channel">The queue to the flow pipeline.</param>
    /// <param name="logger">Where bind failures and the first receive error go.</param>
    /// <param name="allowlist">When set, datagrams from other sources are dropped and counted.</param>
    /// <param name="rateLimiter">When set, datagrams over a source's rate are dropped and counted (owned by this receiver's loop).</param>
    public UdpFlowReceiver(IPEndPoint endpoint, int receiveBufferSize, PacketChannel channel, ILogger<UdpFlowReceiver> logger,
        ExporterAllowlist? allowlist = null, SourceRateLimiter? rateLimiter = null)
    {
        _endpoint = endpoint;
        _receiveBufferSize = receiveBufferSize;
        _channel = channel;
        _logger = logger;
        _allowlist = allowlist;
        _rateLimiter = rateLimiter;
    }

    /// <summary>The address from the configuration.</summary>
    public IPEndPoint ConfiguredEndpoint => _endpoint;

    /// <summary>The address actually bound (differs from the configured one when port 0 was asked for).</summary>
    public IPEndPoint? BoundEndpoint { get; private set; }

    public ReceiverCounters Counters { get; } = new();

    private KernelUdpDrops? _kernelDrops;

    /// <summary>Reads the kernel's drop count of this socket into <see cref="ReceiverCounters.DroppedByKernel"/> (stats call it before they report).</summary>
    public void RefreshKernelDrops()
    {
        if (_kernelDrops?.Read() is long drops) Interlocked.Exchange(ref Counters.DroppedByKernel, drops);
    }

    /// <summary>Binds the socket before the host reports started, so a port that cannot be bound stops start-up.</summary>
    public override Task StartAsync(CancellationToken cancellationToken)
    {
        var socket = new Socket(_endpoint.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
        bool forced;
        try
        {
            // Leave IPv6 sockets v6-only so "0.0.0.0:2055" and "[::]:2055" can both be listed.
            if (_endpoint.AddressFamily == AddressFamily.InterNetworkV6) socket.DualMode = false;
            forced = UdpReceiveLoop.SetReceiveBuffer(socket, _receiveBufferSize);
            socket.Bind(_endpoint);
        }
        catch (SocketException e)
        {
            socket.Dispose();
            throw new ListenerBindException(DescribeBindError(e), e);
        }
        _socket = socket;
        _kernelDrops = KernelUdpDrops.For(socket);
        BoundEndpoint = (IPEndPoint)socket.LocalEndPoint!;
        int actual = socket.ReceiveBufferSize;
        _logger.LogInformation("listening for NetFlow/IPFIX on udp {Endpoint} (receive buffer {Actual} bytes{Forced})", BoundEndpoint, actual,
            forced ? ", past net.core.rmem_max: the relay has CAP_NET_ADMIN" : "");
        // Linux reports twice the granted size and caps requests at net.core.rmem_max.
        if (actual < _receiveBufferSize)
            _logger.LogWarning("udp {Endpoint}: receive buffer is {Actual} bytes, less than the {Requested} configured; raise net.core.rmem_max to allow more (or run with CAP_NET_ADMIN)",
                BoundEndpoint, actual, _receiveBufferSize);
        return base.StartAsync(cancellationToken);
    }

    private string DescribeBindError(SocketException e) => e.SocketErrorCode switch
    {
        SocketError.AddressAlreadyInUse => $"cannot listen on udp {_endpoint}: the address is already in use (is another collector running?)",
        SocketError.AccessDenied => _endpoint.Port is > 0 and < 1024
            ? $"cannot listen on udp {_endpoint}: permission denied (ports below 1024 need root or CAP_NET_BIND_SERVICE)"
            : $"cannot listen on udp {_endpoint}: permission denied",
        SocketError.AddressNotAvailable => $"cannot listen on udp {_endpoint}: the address does not belong to this machine",
        SocketError.AddressFamilyNotSupported => $"cannot listen on udp {_endpoint}: this machine does not support that address family",
        _ => $"cannot listen on udp {_endpoint}: {e.Message}",
    };

    /// <summary>The receive loop runs on a thread of its own (<c>flowrelay-udp</c>): see <see cref="UdpReceiveLoop"/>.</summary>
    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        UdpReceiveLoop.Start(_socket!, "flowrelay-udp", OnDatagram, OnReceiveError, stoppingToken);

    private void OnReceiveError(SocketError error)
    {
        if (Interlocked.Increment(ref Counters.ReceiveErrors) == 1)
            _logger.LogWarning("udp {Endpoint}: receive failed: {Error} (further failures are only counted)", BoundEndpoint, error);
    }

    private void OnDatagram(ReadOnlySpan<byte> datagram, SocketAddress address, CancellationToken stopping)
    {
        long receivedNs = (DateTime.UtcNow.Ticks - DateTime.UnixEpoch.Ticks) * 100;
        var counters = Counters;
        Interlocked.Increment(ref counters.Datagrams);
        Interlocked.Add(ref counters.Bytes, datagram.Length);

        var exporter = ExporterOf(address);
        if (_allowlist is not null && !_allowlist.Allows(exporter))
        {
            Interlocked.Increment(ref counters.DroppedNotAllowed);
            return;
        }
        if (_rateLimiter is not null && !_rateLimiter.TryAcquire(exporter, System.Diagnostics.Stopwatch.GetTimestamp()))
        {
            Interlocked.Increment(ref counters.DroppedRateLimited);
            return;
        }
        var rented = PacketChannel.Rent(datagram.Length);
        datagram.CopyTo(rented);
        var packet = new ReceivedPacket(rented, datagram.Length, exporter, receivedNs);
        if (_channel.TryWrite(packet)) return;
        // The pipeline is behind: wait for room rather than drop, and let the kernel's buffer hold
        // what arrives meanwhile (it drops, and counts, only once that is full too).
        Interlocked.Increment(ref counters.QueueFullWaits);
        if (!_channel.WriteWhenRoom(packet, stopping))
        {
            PacketChannel.Return(rented);
            Interlocked.Increment(ref counters.DroppedQueueFull);
        }
    }

    /// <summary>Reads the sender's IP from the raw sockaddr without allocating an <see cref="IPEndPoint"/>.</summary>
    internal static IpAddr ExporterOf(SocketAddress address)
    {
        var raw = address.Buffer.Span;
        if (address.Family == AddressFamily.InterNetwork)
            return IpAddr.FromV4(raw.Slice(4, 4)); // sockaddr_in: family(2) port(2) addr(4)
        var v6 = raw.Slice(8, 16); // sockaddr_in6: family(2) port(2) flowinfo(4) addr(16)
        // An IPv4-mapped IPv6 sender (::ffff:a.b.c.d) is the IPv4 exporter it stands for.
        if (v6[..10].IndexOfAnyExcept((byte)0) < 0 && v6[10] == 0xff && v6[11] == 0xff)
            return IpAddr.FromV4(v6.Slice(12, 4));
        return IpAddr.FromV6(v6);
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken).ConfigureAwait(false);
        _socket?.Dispose();
    }

    public override void Dispose()
    {
        _socket?.Dispose();
        base.Dispose();
    }
}
