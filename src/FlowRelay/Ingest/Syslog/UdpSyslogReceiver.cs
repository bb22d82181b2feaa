using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace FlowRelay.Ingest.Syslog;

/// <summary>
/// Syslog over UDP (RFC 5426: one message per datagram) on one address. The socket loop only
/// copies bytes into the <see cref="LogChannel"/>; a datagram longer than the maximum message
/// size is cut to it and counted. Parsing happens in the DNS pipeline.
/// </summary>
public sealed class UdpSyslogReceiver : BackgroundService
{
    private readonly IPEndPoint _endpoint;
    private readonly int _maxMessageSize;
    private readonly int _receiveBufferSize;
    private readonly LogChannel _channel;
    private readonly ILogger _logger;
    private Socket? _socket;

    public UdpSyslogReceiver(IPEndPoint endpoint, LogSource source, int maxMessageSize, int receiveBufferSize, LogChannel channel, ILogger logger)
    {
        _endpoint = endpoint;
        Source = source;
        _maxMessageSize = maxMessageSize;
        _receiveBufferSize = receiveBufferSize;
        _channel = channel;
        _logger = logger;
    }

    /// <summary>The input this listener feeds (name, format, counters).</summary>
    public LogSource Source { get; }

    /// <summary>The address actually bound (port 0 in the configuration picks one).</summary>
    public IPEndPoint? BoundEndpoint { get; private set; }

    /// <summary>Binds before the host reports started, so a port that cannot be bound stops start-up.</summary>
    public override Task StartAsync(CancellationToken cancellationToken)
    {
        var socket = new Socket(_endpoint.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
        try
        {
            if (_endpoint.AddressFamily == AddressFamily.InterNetworkV6) socket.DualMode = false;
            UdpReceiveLoop.SetReceiveBuffer(socket, _receiveBufferSize);
            socket.Bind(_endpoint);
        }
        catch (SocketException e)
        {
            socket.Dispose();
            throw new ListenerBindException($"cannot listen for syslog on udp {_endpoint}: {SyslogListenerErrors.Describe(e, _endpoint)}", e);
        }
        _socket = socket;
        Source.KernelDrops = KernelUdpDrops.For(socket);
        BoundEndpoint = (IPEndPoint)socket.LocalEndPoint!;
        _logger.LogInformation("listening for syslog on udp {Endpoint} ({Input})", BoundEndpoint, Source.Name);
        return base.StartAsync(cancellationToken);
    }

    /// <summary>The receive loop runs on a thread of its own (<c>flowrelay-syslog</c>): see <see cref="UdpReceiveLoop"/>.</summary>
    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        UdpReceiveLoop.Start(_socket!, "flowrelay-syslog", OnDatagram, OnReceiveError, stoppingToken);

    private void OnReceiveError(SocketError error)
    {
        if (Interlocked.Increment(ref Source.Counters.ReceiveErrors) == 1)
            _logger.LogWarning("syslog udp {Endpoint}: receive failed: {Error} (further failures are only counted)", BoundEndpoint, error);
    }

    private void OnDatagram(ReadOnlySpan<byte> datagram, SocketAddress address, CancellationToken stopping)
    {
        long now = LogChannel.NowNs();
        // RFC 5426 §3.1: one datagram carries one message; trailing LF/NUL are the parser's concern.
        bool cut = datagram.Length > _maxMessageSize;
        // A full queue holds this thread back: the socket's buffer keeps what arrives meanwhile.
        _channel.Publish(cut ? datagram[.._maxMessageSize] : datagram, UdpFlowReceiver.ExporterOf(address), now, cut, Source, wait: true, stopping);
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
