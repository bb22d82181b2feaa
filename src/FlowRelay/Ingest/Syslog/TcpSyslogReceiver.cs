using System.Collections.Concurrent;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using FlowRelay.Protocols.Flows;
using FlowRelay.Protocols.Syslog;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace FlowRelay.Ingest.Syslog;

/// <summary>
/// Syslog over TCP (RFC 6587) or TLS (RFC 5425) on one address. Each connection gets its own
/// <see cref="SyslogFrameDecoder"/>, which tells octet counting from newline framing by the first
/// byte; messages longer than the maximum are cut and counted, never buffered without bound.
/// At most <c>max_connections</c> are open: more are closed at once and counted. A connection
/// silent for <c>idle_timeout</c> (or stuck in its TLS handshake that long) is closed, so slow
/// or hostile clients cannot hold the listener. The loops only move bytes into the
/// <see cref="LogChannel"/>.
/// </summary>
public sealed class TcpSyslogReceiver : BackgroundService
{
    private const int ReadBuffer = 16 * 1024;

    private readonly IPEndPoint _endpoint;
    private readonly SyslogReceiverLimits _limits;
    private readonly SslServerAuthenticationOptions? _tls;
    private readonly LogChannel _channel;
    private readonly ILogger _logger;
    private readonly ConcurrentDictionary<long, Task> _connections = new();
    private long _nextConnection;
    private Socket? _listener;

    public TcpSyslogReceiver(IPEndPoint endpoint, LogSource source, SyslogReceiverLimits limits, SslServerAuthenticationOptions? tls, LogChannel channel, ILogger logger)
    {
        _endpoint = endpoint;
        Source = source;
        _limits = limits;
        _tls = tls;
        _channel = channel;
        _logger = logger;
    }

    /// <summary>The input this listener feeds (name, format, counters).</summary>
    public LogSource Source { get; }

    /// <summary>The address actually bound.</summary>
    public IPEndPoint? BoundEndpoint { get; private set; }

    private string Protocol => _tls is null ? "tcp" : "tls";

    public override Task StartAsync(CancellationToken cancellationToken)
    {
        var socket = new Socket(_endpoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            if (_endpoint.AddressFamily == AddressFamily.InterNetworkV6) socket.DualMode = false;
            socket.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
            socket.Bind(_endpoint);
            socket.Listen(512);
        }
        catch (SocketException e)
        {
            socket.Dispose();
            throw new ListenerBindException($"cannot listen for syslog on {Protocol} {_endpoint}: {SyslogListenerErrors.Describe(e, _endpoint)}", e);
        }
        _listener = socket;
        BoundEndpoint = (IPEndPoint)socket.LocalEndPoint!;
        _logger.LogInformation("listening for syslog on {Protocol} {Endpoint} ({Input}), at most {Max} connections", Protocol, BoundEndpoint, Source.Name, _limits.MaxConnections);
        return base.StartAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var listener = _listener!;
        var counters = Source.Counters;
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                Socket client;
                try
                {
                    client = await listener.AcceptAsync(stoppingToken).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    break;
                }
                catch (ObjectDisposedException)
                {
                    break;
                }
                catch (SocketException e)
                {
                    if (Interlocked.Increment(ref counters.ReceiveErrors) == 1)
                        _logger.LogWarning("syslog {Protocol} {Endpoint}: accept failed: {Error}", Protocol, BoundEndpoint, e.SocketErrorCode);
                    continue;
                }
                if (Interlocked.Read(ref counters.ConnectionsOpen) >= _limits.MaxConnections)
                {
                    Interlocked.Increment(ref counters.ConnectionsRefused);
                    client.Dispose();
                    continue;
                }
                Interlocked.Increment(ref counters.ConnectionsAccepted);
                Interlocked.Increment(ref counters.ConnectionsOpen);
                long id = Interlocked.Increment(ref _nextConnection);
                var task = Task.Run(() => ServeAsync(client, stoppingToken), CancellationToken.None);
                _connections[id] = task;
                _ = task.ContinueWith(_ => _connections.TryRemove(id, out Task? _), TaskScheduler.Default);
            }
        }
        finally
        {
            // Connections see the stopping token; wait for them to hand over what they have.
            var open = _connections.Values.ToArray();
            if (open.Length > 0) await Task.WhenAny(Task.WhenAll(open), Task.Delay(TimeSpan.FromSeconds(5), CancellationToken.None)).ConfigureAwait(false);
        }
    }

    private async Task ServeAsync(Socket client, CancellationToken stoppingToken)
    {
        var counters = Source.Counters;
        var sender = client.RemoteEndPoint is IPEndPoint ep ? IpAddr.From(ep.Address.IsIPv4MappedToIPv6 ? ep.Address.MapToIPv4() : ep.Address) : default;
        using var idle = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
        Stream? stream = null;
        bool idleClosed = false;
        try
        {
            client.NoDelay = true;
            stream = new NetworkStream(client, ownsSocket: true);
            if (_tls is not null)
            {
                var ssl = new SslStream(stream, leaveInnerStreamOpen: false);
                stream = ssl;
                idle.CancelAfter(_limits.IdleTimeout);
                try
                {
                    await ssl.AuthenticateAsServerAsync(_tls, idle.Token).ConfigureAwait(false);
                }
                catch (Exception e) when (e is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
                {
                    Interlocked.Increment(ref counters.TlsHandshakeFailures);
                    if (Interlocked.Read(ref counters.TlsHandshakeFailures) <= 5)
                        _logger.LogWarning("syslog tls {Endpoint}: handshake with {Peer} failed: {Error}", BoundEndpoint, sender, e.Message);
                    return;
                }
            }
            var decoder = new SyslogFrameDecoder(_limits.MaxMessageSize);
            var buffer = new byte[ReadBuffer];
            // Frames that found the queue full: queued before the next read, so the connection is
            // not read while the pipeline is behind and TCP's flow control holds the sender back.
            var held = new List<LogMessage>();
            while (true)
            {
                if (!idle.TryReset()) break;
                idle.CancelAfter(_limits.IdleTimeout);
                int n;
                try
                {
                    n = await stream.ReadAsync(buffer, idle.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    idleClosed = !stoppingToken.IsCancellationRequested;
                    break;
                }
                if (n == 0)
                {
                    var end = new FrameSink(_channel, Source, sender, held);
                    if (!decoder.Complete(ref end)) Interlocked.Increment(ref counters.IncompleteFrames);
                    await _channel.WriteHeldAsync(held, Source, stoppingToken).ConfigureAwait(false);
                    break;
                }
                var sink = new FrameSink(_channel, Source, sender, held);
                bool framed = decoder.Feed(buffer.AsSpan(0, n), ref sink);
                if (held.Count > 0) await _channel.WriteHeldAsync(held, Source, stoppingToken).ConfigureAwait(false);
                if (!framed)
                {
                    Interlocked.Increment(ref counters.FramingErrors);
                    break;
                }
            }
            if (idleClosed) Interlocked.Increment(ref counters.ConnectionsIdleClosed);
        }
        catch (Exception e) when (e is IOException or SocketException or ObjectDisposedException)
        {
            Interlocked.Increment(ref counters.ReceiveErrors);
        }
        finally
        {
            if (stream is not null) await stream.DisposeAsync().ConfigureAwait(false);
            else client.Dispose();
            Interlocked.Decrement(ref counters.ConnectionsOpen);
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        _listener?.Dispose();
        await base.StopAsync(cancellationToken).ConfigureAwait(false);
    }

    public override void Dispose()
    {
        _listener?.Dispose();
        base.Dispose();
    }

    /// <summary>Hands each frame to the channel, or holds it when the queue is full; stamped with the time the read completed.</summary>
    private readonly struct FrameSink(LogChannel channel, LogSource source, IpAddr sender, List<LogMessage> held) : ISyslogFrameSink
    {
        private readonly long _now = LogChannel.NowNs();

        public void OnFrame(ReadOnlySpan<byte> frame, bool truncated) => channel.PublishOrHold(frame, sender, _now, truncated, source, held);
    }
}
