using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using FlowRelay.Emit.Cef;
using Microsoft.Extensions.Logging.Abstractions;
using Xunit;

namespace FlowRelay.Tests.CefOutput;

/// <summary>The syslog sender against loopback receivers started by the test: TCP (both framings), TLS, UDP; restarts; a full queue.</summary>
public sealed class SyslogSenderTests
{
    /// <summary>A TCP (optionally TLS) syslog receiver that decodes RFC 6587 frames and can be stopped and restarted on its port.</summary>
    private sealed class StreamReceiver : IAsyncDisposable
    {
        private readonly bool _octets;
        private readonly X509Certificate2? _certificate;
        private TcpListener? _listener;
        private CancellationTokenSource _cts = new();
        private readonly List<TcpClient> _clients = [];
        public readonly List<string> Messages = [];
        public int Port { get; private set; }

        public StreamReceiver(bool octets, X509Certificate2? certificate = null, int port = 0)
        {
            _octets = octets;
            _certificate = certificate;
            Start(port);
        }

        public void Start(int port)
        {
            _cts = new CancellationTokenSource();
            _listener = new TcpListener(IPAddress.Loopback, port);
            _listener.Server.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
            _listener.Start();
            Port = ((IPEndPoint)_listener.LocalEndpoint).Port;
            _ = AcceptAsync(_listener, _cts.Token);
        }

        public void Stop()
        {
            _cts.Cancel();
            _listener?.Stop();
            lock (_clients)
            {
                foreach (var c in _clients) c.Dispose();
                _clients.Clear();
            }
        }

        public int Count
        {
            get { lock (Messages) return Messages.Count; }
        }

        private async Task AcceptAsync(TcpListener listener, CancellationToken ct)
        {
            try
            {
                while (!ct.IsCancellationRequested)
                {
                    var client = await listener.AcceptTcpClientAsync(ct);
                    lock (_clients) _clients.Add(client);
                    _ = ReadAsync(client, ct);
                }
            }
            catch (Exception) when (ct.IsCancellationRequested)
            {
            }
            catch (ObjectDisposedException)
            {
            }
        }

        private async Task ReadAsync(TcpClient client, CancellationToken ct)
        {
            try
            {
                Stream s = client.GetStream();
                if (_certificate is not null)
                {
                    var ssl = new SslStream(s);
                    await ssl.AuthenticateAsServerAsync(_certificate);
                    s = ssl;
                }
                var buffer = new List<byte>();
                var chunk = new byte[8192];
                while (!ct.IsCancellationRequested)
                {
                    int n = await s.ReadAsync(chunk, ct);
                    if (n == 0) return;
                    buffer.AddRange(chunk.AsSpan(0, n).ToArray());
                    while (TryFrame(buffer, out var message)) lock (Messages) Messages.Add(message);
                }
            }
            catch (Exception)
            {
            }
        }

        private bool TryFrame(List<byte> buffer, out string message)
        {
            message = "";
            if (_octets)
            {
                int sp = buffer.IndexOf((byte)' ');
                if (sp < 0) return false;
                int len = int.Parse(Encoding.ASCII.GetString(buffer.GetRange(0, sp).ToArray()));
                if (buffer.Count < sp + 1 + len) return false;
                message = Encoding.UTF8.GetString(buffer.GetRange(sp + 1, len).ToArray());
                buffer.RemoveRange(0, sp + 1 + len);
                return true;
            }
            int nl = buffer.IndexOf((byte)'\n');
            if (nl < 0) return false;
            message = Encoding.UTF8.GetString(buffer.GetRange(0, nl).ToArray());
            buffer.RemoveRange(0, nl + 1);
            return true;
        }

        public ValueTask DisposeAsync()
        {
            Stop();
            return ValueTask.CompletedTask;
        }
    }

    private static byte[] Message(int i) => Encoding.UTF8.GetBytes($"<134>1 2026-11-28T04:10:46.498Z h flowrelay - CEF - CEF:0|FlowRelay|FlowRelay|0.1|r|Name|5|cn1={i} msg=x\\=y é");

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Tcp_delivers_every_message_in_order_with_either_framing(bool octets)
    {
        await using var receiver = new StreamReceiver(octets);
        await using var sender = new SyslogSender(new SyslogSenderOptions
        {
            Host = "127.0.0.1", Port = receiver.Port, Transport = SyslogTransport.Tcp,
            Framing = octets ? SyslogFraming.OctetCounting : SyslogFraming.Newline,
        }, NullLogger.Instance);
        for (int i = 0; i < 2000; i++) sender.Enqueue(Message(i));
        Assert.True(await Eventually.HoldsAsync(() => receiver.Count == 2000, TimeSpan.FromSeconds(10)), $"{receiver.Count}");
        for (int i = 0; i < 2000; i++) Assert.Equal(Encoding.UTF8.GetString(Message(i)), receiver.Messages[i]);
    }

    [Fact]
    public async Task Tls_delivers_to_a_receiver_whose_certificate_the_configured_CA_file_vouches_for()
    {
        using var key = RSA.Create(2048);
        var req = new CertificateRequest("CN=localhost", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var san = new SubjectAlternativeNameBuilder();
        san.AddDnsName("localhost");
        req.CertificateExtensions.Add(san.Build());
        req.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        using var cert = req.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
        using var serverCert = X509CertificateLoader.LoadPkcs12(cert.Export(X509ContentType.Pfx), null);
        using var dir = new TempDir();
        string ca = dir.File("ca.pem");
        File.WriteAllText(ca, cert.ExportCertificatePem());

        await using var receiver = new StreamReceiver(octets: true, serverCert);
        await using var sender = new SyslogSender(new SyslogSenderOptions
        {
            Host = "127.0.0.1", Port = receiver.Port, Transport = SyslogTransport.Tls, CaFile = ca, ServerName = "localhost",
        }, NullLogger.Instance);
        for (int i = 0; i < 100; i++) sender.Enqueue(Message(i));
        Assert.True(await Eventually.HoldsAsync(() => receiver.Count == 100, TimeSpan.FromSeconds(10)), $"{receiver.Count}");
        Assert.Equal(Encoding.UTF8.GetString(Message(99)), receiver.Messages[99]);
    }

    [Fact]
    public async Task Tls_refuses_a_receiver_the_CA_file_does_not_vouch_for()
    {
        using var key = RSA.Create(2048);
        using var cert = new CertificateRequest("CN=localhost", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1)
            .CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
        using var serverCert = X509CertificateLoader.LoadPkcs12(cert.Export(X509ContentType.Pfx), null);
        using var otherKey = RSA.Create(2048);
        using var other = new CertificateRequest("CN=other-ca", otherKey, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1)
            .CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
        using var dir = new TempDir();
        File.WriteAllText(dir.File("ca.pem"), other.ExportCertificatePem());
        await using var receiver = new StreamReceiver(octets: true, serverCert);
        await using var sender = new SyslogSender(new SyslogSenderOptions
        {
            Host = "127.0.0.1", Port = receiver.Port, Transport = SyslogTransport.Tls, CaFile = dir.File("ca.pem"), ServerName = "localhost",
        }, NullLogger.Instance);
        sender.Enqueue(Message(1));
        Assert.True(await Eventually.HoldsAsync(() => sender.Counters.ConnectFailures > 0, TimeSpan.FromSeconds(10)));
        Assert.Equal(0, receiver.Count);
        Assert.Equal(0, sender.Counters.Sent);
    }

    [Fact]
    public async Task Udp_sends_one_datagram_per_message()
    {
        using var udp = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
        int port = ((IPEndPoint)udp.Client.LocalEndPoint!).Port;
        await using var sender = new SyslogSender(new SyslogSenderOptions { Host = "127.0.0.1", Port = port, Transport = SyslogTransport.Udp }, NullLogger.Instance);
        for (int i = 0; i < 50; i++) sender.Enqueue(Message(i));
        for (int i = 0; i < 50; i++)
        {
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            var r = await udp.ReceiveAsync(cts.Token);
            Assert.Equal(Message(i), r.Buffer);
        }
    }

    [Fact]
    public async Task After_the_receiver_restarts_the_sender_reconnects_and_delivers_what_queued_meanwhile()
    {
        var receiver = new StreamReceiver(octets: true);
        int port = receiver.Port;
        await using var sender = new SyslogSender(new SyslogSenderOptions
        {
            Host = "127.0.0.1", Port = port, Transport = SyslogTransport.Tcp, ReconnectMin = TimeSpan.FromMilliseconds(20), ReconnectMax = TimeSpan.FromMilliseconds(200),
        }, NullLogger.Instance);
        for (int i = 0; i < 10; i++) sender.Enqueue(Message(i));
        Assert.True(await Eventually.HoldsAsync(() => receiver.Count == 10, TimeSpan.FromSeconds(10)));

        receiver.Stop();
        await Task.Delay(200);
        // While the receiver is away: these wait in the queue.
        for (int i = 10; i < 60; i++) sender.Enqueue(Message(i));
        await Task.Delay(300);
        var restarted = new StreamReceiver(octets: true, port: port);
        Assert.True(await Eventually.HoldsAsync(() => restarted.Count == 50, TimeSpan.FromSeconds(10)), $"{restarted.Count}");
        Assert.Equal(Enumerable.Range(10, 50).Select(i => Encoding.UTF8.GetString(Message(i))), restarted.Messages);
        Assert.True(sender.Counters.Connects >= 2);
        Assert.Equal(0, sender.Counters.DroppedQueueFull);
        await restarted.DisposeAsync();
    }

    [Fact]
    public async Task While_the_receiver_is_away_the_queue_is_bounded_and_drops_are_counted()
    {
        // Bound but not listening: connections are refused, and no test running beside this one can
        // take the port and accept what the sender sends (which is how this test once saw 32 accepted).
        var holder = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        holder.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        int port = ((IPEndPoint)holder.LocalEndPoint!).Port;
        await using var sender = new SyslogSender(new SyslogSenderOptions
        {
            Host = "127.0.0.1", Port = port, Transport = SyslogTransport.Tcp, QueueSize = 10, ReconnectMin = TimeSpan.FromMilliseconds(50),
        }, NullLogger.Instance);
        // 8,000-byte messages: the sender takes one burst off the queue (at most 9 of
        // these: it reads while it holds less than 64 KiB) and holds it while it cannot connect, so 10
        // queued + 9 held is the most that fits.
        static byte[] Big(int i) => [.. Message(i), .. Encoding.ASCII.GetBytes(" cs1=" + new string('x', 8000 - Message(i).Length - 5))];
        int accepted = 0;
        for (int i = 0; i < 100; i++) accepted += sender.Enqueue(Big(i)) ? 1 : 0;
        // How much of a burst the sender had taken when the queue filled depends on timing, hence a range.
        Assert.True(accepted is >= 10 and <= 19, $"accepted {accepted}: connects {sender.Counters.Connects}, queue {sender.Counters.QueueLength}");
        Assert.Equal(100 - accepted, sender.Counters.DroppedQueueFull);

        Assert.Equal(0, sender.Counters.Sent);
        holder.Dispose();
        await using var receiver = new StreamReceiver(octets: true, port: port);
        Assert.True(await Eventually.HoldsAsync(() => receiver.Count == accepted, TimeSpan.FromSeconds(10)), $"{receiver.Count} of {accepted}");
    }
}
