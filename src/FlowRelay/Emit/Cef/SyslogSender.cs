using System.Net.Security;
using System.Security.Authentication;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;

namespace FlowRelay.Emit.Cef;

public enum SyslogTransport
{
    Udp,
    Tcp,
    Tls,
}

/// <summary>How messages are delimited on a stream (TCP/TLS), RFC 6587.</summary>
public enum SyslogFraming
{
    /// <summary><c>LEN SP MSG</c>: safe for any content.</summary>
    OctetCounting,

    /// <summary><c>MSG LF</c>: CEF escapes line breaks, so a CEF message never contains one.</summary>
    Newline,
}

public sealed class SyslogSenderOptions
{
    public required string Host { get; init; }
    public required int Port { get; init; }
    public SyslogTransport Transport { get; init; } = SyslogTransport.Tcp;
    public SyslogFraming Framing { get; init; } = SyslogFraming.OctetCounting;
    /// <summary>Messages waiting while the receiver is away; beyond it new messages are dropped and counted.</summary>
    public int QueueSize { get; init; } = 10_000;
    /// <summary>Longer messages are cut (UDP datagrams and receivers have limits).</summary>
    public int MaxMessageBytes { get; init; } = 16 * 1024;
    public string? CaFile { get; init; }
    /// <summary>Name checked against the receiver's certificate (default: Host).</summary>
    public string? ServerName { get; init; }
    public TimeSpan ReconnectMin { get; init; } = TimeSpan.FromMilliseconds(200);
    public TimeSpan ReconnectMax { get; init; } = TimeSpan.FromSeconds(30);
}

/// <summary>Counters of the syslog sender (stats.json and /metrics section <c>cef</c>; Interlocked).</summary>
public sealed class SyslogSenderCounters : FlowRelay.Engine.Counters.ICounterSource
{
    public string CounterSection => "cef";

    public IEnumerable<KeyValuePair<string, long>> ReadCounters() =>
    [
        new("queued", Interlocked.Read(ref Queued)),
        new("sent", Interlocked.Read(ref Sent)),
        new("queue_length", Interlocked.Read(ref QueueLength)),
        new("dropped_queue_full", Interlocked.Read(ref DroppedQueueFull)),
        new("truncated", Interlocked.Read(ref Truncated)),
        new("connects", Interlocked.Read(ref Connects)),
        new("connect_failures", Interlocked.Read(ref ConnectFailures)),
        new("send_failures", Interlocked.Read(ref SendFailures)),
    ];

    public long Queued;
    public long Sent;
    /// <summary>Dropped because the queue was full (receiver away for long).</summary>
    public long DroppedQueueFull;
    /// <summary>Cut to max_message_size.</summary>
    public long Truncated;
    public long Connects;
    public long ConnectFailures;
    public long SendFailures;
    public long QueueLength;
}

/// <summary>
/// Sends syslog messages over UDP, TCP or TLS from a bounded queue on its own task. Stream
/// transports reconnect after the receiver goes away (capped exponential backoff) and resend the
/// message whose write failed; before each write the connection is checked for an orderly close
/// by the peer, so a restarted receiver is noticed before a message is written into a dead socket.
/// (Plain syslog over TCP has no acknowledgements: a message written just before the receiver dies
/// can still be lost; the queue bounds the loss of a longer outage, and every drop is counted.)
/// </summary>
public sealed class SyslogSender : IAsyncDisposable
{
    private readonly SyslogSenderOptions _options;
    private readonly ILogger _logger;
    private readonly Channel<byte[]> _queue;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;
    private Socket? _socket;
    private Stream? _stream;

    public SyslogSender(SyslogSenderOptions options, ILogger logger)
    {
        _options = options;
        _logger = logger;
        _queue = Channel.CreateBounded<byte[]>(new BoundedChannelOptions(options.QueueSize)
        {
            FullMode = BoundedChannelFullMode.Wait,
            SingleReader = true,
        });
        _loop = Task.Run(RunAsync);
    }

    public SyslogSenderCounters Counters { get; } = new();

    /// <summary>Queues a copy of <paramref name="message"/> (one syslog message, no framing). Never blocks; drops and counts when full.</summary>
    public bool Enqueue(ReadOnlySpan<byte> message)
    {
        if (message.Length > _options.MaxMessageBytes)
        {
            message = message[..Utf8Boundary(message, _options.MaxMessageBytes)];
            Interlocked.Increment(ref Counters.Truncated);
        }
        if (_queue.Writer.TryWrite(message.ToArray()))
        {
            Interlocked.Increment(ref Counters.Queued);
            Interlocked.Increment(ref Counters.QueueLength);
            return true;
        }
        long dropped = Interlocked.Increment(ref Counters.DroppedQueueFull);
        if (dropped == 1 || dropped % 10_000 == 0)
            _logger.LogError("cef: syslog receiver {Host}:{Port} unreachable and the queue of {Size} is full: {Dropped} messages dropped so far",
                _options.Host, _options.Port, _options.QueueSize, dropped);
        return false;
    }

    /// <summary>Waits (up to <paramref name="timeout"/>) until the queue is empty.</summary>
    public async Task<bool> DrainAsync(TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (Interlocked.Read(ref Counters.QueueLength) > 0 && DateTime.UtcNow < deadline) await Task.Delay(10).ConfigureAwait(false);
        return Interlocked.Read(ref Counters.QueueLength) == 0;
    }

    private static int Utf8Boundary(ReadOnlySpan<byte> s, int max)
    {
        int cut = max;
        while (cut > 0 && (s[cut] & 0xC0) == 0x80) cut--;
        return cut;
    }

    private async Task RunAsync()
    {
        var ct = _stop.Token;
        int failures = 0;
        // Taken from the queue, not yet written: resent in order after a reconnect.
        var inFlight = new List<byte[]>();
        var frame = new MemoryStream();
        try
        {
            while (!ct.IsCancellationRequested)
            {
                if (inFlight.Count == 0)
                {
                    if (!await _queue.Reader.WaitToReadAsync(ct).ConfigureAwait(false)) break;
                    long size = 0;
                    while (size < 64 * 1024 && _queue.Reader.TryRead(out var next))
                    {
                        inFlight.Add(next);
                        size += next.Length;
                    }
                    if (inFlight.Count == 0) continue;
                }
                try
                {
                    if (_socket is null || PeerClosed()) await ConnectAsync(ct).ConfigureAwait(false);
                    if (_options.Transport == SyslogTransport.Udp)
                    {
                        while (inFlight.Count > 0)
                        {
                            await _socket!.SendAsync(inFlight[0], SocketFlags.None, ct).ConfigureAwait(false);
                            inFlight.RemoveAt(0);
                            Interlocked.Increment(ref Counters.Sent);
                            Interlocked.Decrement(ref Counters.QueueLength);
                        }
                    }
                    else
                    {
                        // One framed write per burst.
                        frame.SetLength(0);
                        foreach (var m in inFlight) Frame(frame, m);
                        await _stream!.WriteAsync(frame.GetBuffer().AsMemory(0, (int)frame.Length), ct).ConfigureAwait(false);
                        await _stream.FlushAsync(ct).ConfigureAwait(false);
                        Interlocked.Add(ref Counters.Sent, inFlight.Count);
                        Interlocked.Add(ref Counters.QueueLength, -inFlight.Count);
                        inFlight.Clear();
                    }
                    failures = 0;
                }
                catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
                {
                    Interlocked.Increment(ref Counters.SendFailures);
                    if (failures == 0)
                        _logger.LogWarning("cef: syslog {Transport} {Host}:{Port} failed ({Error}); reconnecting, messages queue meanwhile",
                            _options.Transport, _options.Host, _options.Port, e.Message);
                    Disconnect();
                    failures++;
                    var delay = TimeSpan.FromMilliseconds(Math.Min(_options.ReconnectMax.TotalMilliseconds,
                        _options.ReconnectMin.TotalMilliseconds * Math.Pow(2, Math.Min(failures - 1, 20))));
                    await Task.Delay(delay, ct).ConfigureAwait(false);
                }
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
        }
        finally
        {
            Disconnect();
        }
    }

    private void Frame(MemoryStream frame, byte[] message)
    {
        if (_options.Framing == SyslogFraming.OctetCounting)
        {
            var len = Encoding.ASCII.GetBytes(message.Length.ToString(System.Globalization.CultureInfo.InvariantCulture) + " ");
            frame.Write(len);
            frame.Write(message);
        }
        else
        {
            frame.Write(message);
            frame.WriteByte((byte)'\n');
        }
    }

    /// <summary>True when the peer closed the stream (readable with nothing to read) or reset it.</summary>
    private bool PeerClosed()
    {
        if (_options.Transport == SyslogTransport.Udp || _socket is null) return false;
        try
        {
            return _socket.Poll(0, SelectMode.SelectRead) && _socket.Available == 0;
        }
        catch (SocketException)
        {
            return true;
        }
    }

    private async Task ConnectAsync(CancellationToken ct)
    {
        Disconnect();
        var socket = _options.Transport == SyslogTransport.Udp
            ? new Socket(SocketType.Dgram, ProtocolType.Udp)
            : new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(_options.Host, _options.Port, ct).ConfigureAwait(false);
            if (_options.Transport != SyslogTransport.Udp)
            {
                Stream stream = new NetworkStream(socket, ownsSocket: false);
                if (_options.Transport == SyslogTransport.Tls)
                {
                    var ssl = new SslStream(stream, leaveInnerStreamOpen: false, ValidateServer);
                    await ssl.AuthenticateAsClientAsync(new SslClientAuthenticationOptions { TargetHost = _options.ServerName ?? _options.Host }, ct)
                        .ConfigureAwait(false);
                    stream = ssl;
                }
                _stream = stream;
            }
            _socket = socket;
            Interlocked.Increment(ref Counters.Connects);
        }
        catch
        {
            Interlocked.Increment(ref Counters.ConnectFailures);
            socket.Dispose();
            throw;
        }
    }

    private X509Certificate2Collection? _ca;

    private bool ValidateServer(object sender, X509Certificate? certificate, X509Chain? chain, SslPolicyErrors errors)
    {
        if (errors == SslPolicyErrors.None) return true;
        if (string.IsNullOrEmpty(_options.CaFile) || certificate is null || (errors & SslPolicyErrors.RemoteCertificateNameMismatch) != 0) return false;
        // Trust exactly the configured CA (a private PKI), with the name still checked.
        if (_ca is null)
        {
            var bundle = new X509Certificate2Collection();
            bundle.ImportFromPemFile(_options.CaFile);
            _ca = bundle;
        }
        using var custom = new X509Chain();
        custom.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        custom.ChainPolicy.CustomTrustStore.AddRange(_ca);
        custom.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        return custom.Build(new X509Certificate2(certificate));
    }

    private void Disconnect()
    {
        try
        {
            _stream?.Dispose();
        }
        catch (IOException)
        {
        }
        _stream = null;
        _socket?.Dispose();
        _socket = null;
    }

    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        await DrainAsync(TimeSpan.FromSeconds(2)).ConfigureAwait(false);
        await _stop.CancelAsync().ConfigureAwait(false);
        try
        {
            await _loop.ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }
        _stop.Dispose();
    }
}
