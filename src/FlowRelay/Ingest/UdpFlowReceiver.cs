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
    private const int MaxDatagram = 65536;

    private readonly IPEndPoint _endpoint;
    private readonly int _receiveBufferSize;
    private readonly PacketChannel _channel;
    private readonly ILogger<UdpFlowReceiver> _logger;
    private readonly ExporterAllowlist? _allowlist;
    private readonly SourceRateLimiter? _rateLimiter;
    private Socket? _socket;

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

    /// <summary>Binds the socket before the host reports started, so a port that cannot be bound stops start-up.</summary>
    public override Task StartAsync(CancellationToken cancellationToken)
    {
        var socket = new Socket(_endpoint.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
        try
        {
            // Leave IPv6 sockets v6-only so "0.0.0.0:2055" and "[::]:2055" can both be listed.
            if (_endpoint.AddressFamily == AddressFamily.InterNetworkV6) socket.DualMode = false;
            socket.ReceiveBufferSize = _receiveBufferSize;
            socket.Bind(_endpoint);
        }
        catch (SocketException e)
        {
            socket.Dispose();
            throw new ListenerBindException(DescribeBindError(e), e);
        }
        _socket = socket;
        BoundEndpoint = (IPEndPoint)socket.LocalEndPoint!;
        int actual = socket.ReceiveBufferSize;
        _logger.LogInformation("listening for NetFlow/IPFIX on udp {Endpoint} (receive buffer {Actual} bytes)", BoundEndpoint, actual);
        // Linux reports twice the granted size and caps requests at net.core.rmem_max.
        if (actual < _receiveBufferSize)
            _logger.LogWarning("udp {Endpoint}: receive buffer is {Actual} bytes, less than the {Requested} configured; raise net.core.rmem_max to allow more",
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

    /// <summary>How often the blocking receive wakes to see whether the relay is stopping.</summary>
    private const int StopPollMs = 200;

    /// <summary>
    /// The receive loop runs on a thread of its own (<c>flowrelay-udp</c>) with blocking receives,
    /// not as an async loop on the thread pool: every completed asynchronous receive was a
    /// thread-pool work item, so a busy or starved pool (or a pause in it) kept the socket unread
    /// while the kernel's buffer filled. The thread wakes every <see cref="StopPollMs"/> ms when no
    /// datagram comes, to see the stop.
    /// </summary>
    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Task.Factory.StartNew(() => ReceiveLoop(stoppingToken), CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);

    private void ReceiveLoop(CancellationToken stoppingToken)
    {
        Thread.CurrentThread.Name = "flowrelay-udp";
        var socket = _socket!;
        socket.ReceiveTimeout = StopPollMs;
        // One receive buffer for the life of the socket; each datagram is copied out to a pooled buffer.
        var buffer = new byte[MaxDatagram];
        var address = new SocketAddress(socket.AddressFamily);
        var counters = Counters;
        while (!stoppingToken.IsCancellationRequested)
        {
            int length;
            try
            {
                length = socket.ReceiveFrom(buffer, SocketFlags.None, address);
            }
            catch (ObjectDisposedException)
            {
                break;
            }
            catch (SocketException e) when (e.SocketErrorCode is SocketError.TimedOut or SocketError.WouldBlock)
            {
                continue; // nothing arrived within StopPollMs: look at the stop token again
            }
            catch (SocketException e) when (e.SocketErrorCode is SocketError.OperationAborted or SocketError.Interrupted or SocketError.Shutdown)
            {
                break; // the socket was closed under the receive
            }
            catch (SocketException e)
            {
                // An ICMP error for an earlier send, or a datagram larger than the buffer: count and go on.
                if (Interlocked.Increment(ref counters.ReceiveErrors) == 1)
                    _logger.LogWarning("udp {Endpoint}: receive failed: {Error} (further failures are only counted)", BoundEndpoint, e.SocketErrorCode);
                continue;
            }
            long receivedNs = (DateTime.UtcNow.Ticks - DateTime.UnixEpoch.Ticks) * 100;
            Interlocked.Increment(ref counters.Datagrams);
            Interlocked.Add(ref counters.Bytes, length);

            var exporter = ExporterOf(address);
            if (_allowlist is not null && !_allowlist.Allows(exporter))
            {
                Interlocked.Increment(ref counters.DroppedNotAllowed);
                continue;
            }
            if (_rateLimiter is not null && !_rateLimiter.TryAcquire(exporter, System.Diagnostics.Stopwatch.GetTimestamp()))
            {
                Interlocked.Increment(ref counters.DroppedRateLimited);
                continue;
            }
            var rented = ArrayPool<byte>.Shared.Rent(length);
            buffer.AsSpan(0, length).CopyTo(rented);
            var packet = new ReceivedPacket(rented, length, exporter, receivedNs);
            if (!_channel.TryWrite(packet))
            {
                ArrayPool<byte>.Shared.Return(rented);
                Interlocked.Increment(ref counters.DroppedQueueFull);
            }
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
