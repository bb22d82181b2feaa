using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using FlowRelay.Ingest.Syslog;
using FlowRelay.Protocols.DnsLogs;
using Microsoft.Extensions.Logging.Abstractions;
using Xunit;

namespace FlowRelay.Tests.Syslog;

public class SyslogReceiverTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);
    private const string Bind = "<30>Nov 28 04:36:04 vm named[18228]: client @0x7f00aa 10.0.0.5#53211 (example.com): query: example.com IN A +E(0)K (127.0.0.1)";

    private static List<string> Drain(LogChannel channel)
    {
        var list = new List<string>();
        while (channel.Reader.TryRead(out var m))
        {
            list.Add(Encoding.UTF8.GetString(m.Span));
            LogChannel.Release(m);
        }
        return list;
    }

    private static UdpSyslogReceiver Udp(LogChannel channel, LogSource source) =>
        new(new IPEndPoint(IPAddress.Loopback, 0), source, 600, 1 << 20, channel, NullLogger.Instance);

    private static TcpSyslogReceiver Tcp(LogChannel channel, LogSource source, int maxConnections = 100, int maxMessage = 1024, double idleSeconds = 30, SslServerAuthenticationOptions? tls = null) =>
        new(new IPEndPoint(IPAddress.Loopback, 0), source, new SyslogReceiverLimits(maxMessage, maxConnections, TimeSpan.FromSeconds(idleSeconds)), tls, channel, NullLogger.Instance);

    [Fact]
    public async Task Udp_datagrams_are_messages_and_oversize_ones_are_cut_and_counted()
    {
        var channel = new LogChannel(64);
        var source = new LogSource("udp:test", DnsLogFormat.Unknown, true);
        using var receiver = Udp(channel, source);
        await receiver.StartAsync(CancellationToken.None);
        using (var client = new UdpClient(AddressFamily.InterNetwork))
        {
            await client.SendAsync(Encoding.ASCII.GetBytes(Bind), receiver.BoundEndpoint!);
            await client.SendAsync(new byte[5000], receiver.BoundEndpoint!);
        }
        Assert.True(await Eventually.HoldsAsync(() => Interlocked.Read(ref source.Counters.Messages) == 2, Wait));
        await receiver.StopAsync(CancellationToken.None);
        Assert.True(channel.Reader.TryRead(out var first));
        Assert.Equal(Bind, Encoding.ASCII.GetString(first.Span));
        Assert.Equal(IPAddress.Loopback.ToString(), first.Sender.ToString());
        Assert.False(first.Truncated);
        LogChannel.Release(first);
        Assert.True(channel.Reader.TryRead(out var second));
        Assert.Equal(600, second.Length);
        Assert.True(second.Truncated);
        LogChannel.Release(second);
        Assert.Equal(1, source.Counters.Truncated);
    }

    [Fact]
    public async Task A_full_queue_holds_the_udp_listener_back_and_its_socket_keeps_the_rest()
    {
        // A 4-deep queue nobody reads yet: the listener queues 4, waits with the 5th and leaves 15
        // in the socket. Read, all 20 arrive in order; nothing dropped, by the relay or the kernel.
        var channel = new LogChannel(4);
        var source = new LogSource("udp:test", DnsLogFormat.Unknown, true);
        using var receiver = Udp(channel, source);
        await receiver.StartAsync(CancellationToken.None);
        try
        {
            using (var client = new UdpClient(AddressFamily.InterNetwork))
            {
                for (int i = 0; i < 20; i++) await client.SendAsync(Encoding.ASCII.GetBytes($"{Bind} #{i}"), receiver.BoundEndpoint!);
            }
            Assert.True(await Eventually.HoldsAsync(() => Interlocked.Read(ref source.Counters.QueueFullWaits) == 1, Wait));
            Assert.Equal(4, channel.Count);
            Assert.Equal(5, Interlocked.Read(ref source.Counters.Messages));

            var seen = new List<string>();
            using var timeout = new CancellationTokenSource(Wait);
            while (seen.Count < 20)
            {
                var m = await channel.Reader.ReadAsync(timeout.Token);
                seen.Add(Encoding.ASCII.GetString(m.Span));
                LogChannel.Release(m);
            }
            Assert.Equal(Enumerable.Range(0, 20).Select(i => $"{Bind} #{i}"), seen);
            var counters = source.ReadCounters().ToDictionary(kv => kv.Key, kv => kv.Value);
            Assert.Equal(0, counters["dropped_queue_full"]);
            Assert.True(counters["queue_full_waits"] >= 1); // more while the queue was read: each time it was full again
            Assert.Equal(0, counters["dropped_by_kernel"]);
        }
        finally
        {
            await receiver.StopAsync(CancellationToken.None);
        }
    }

    [Fact]
    public async Task Tcp_tells_the_two_framings_apart_per_connection()
    {
        var channel = new LogChannel(64);
        var source = new LogSource("tcp:test", DnsLogFormat.Unknown, true);
        using var receiver = Tcp(channel, source);
        await receiver.StartAsync(CancellationToken.None);
        using (var lf = new TcpClient())
        using (var octet = new TcpClient())
        {
            await lf.ConnectAsync(receiver.BoundEndpoint!);
            await octet.ConnectAsync(receiver.BoundEndpoint!);
            // Octet counting (RFC 6587 §3.4.1), one frame split across writes, a message containing LF.
            string m1 = "<13>1 - h a - - - line one\nstill one";
            byte[] framed = Encoding.ASCII.GetBytes($"{Encoding.ASCII.GetByteCount(m1)} {m1}{Bind.Length} {Bind}");
            await octet.GetStream().WriteAsync(framed.AsMemory(0, 7));
            await lf.GetStream().WriteAsync(Encoding.ASCII.GetBytes("<13>first\r\n<13>second\n<13>no trailer"));
            await octet.GetStream().WriteAsync(framed.AsMemory(7));
        }
        Assert.True(await Eventually.HoldsAsync(() => Interlocked.Read(ref source.Counters.Messages) == 5 && Interlocked.Read(ref source.Counters.ConnectionsOpen) == 0, Wait));
        await receiver.StopAsync(CancellationToken.None);
        var got = Drain(channel);
        Assert.Equal(["<13>1 - h a - - - line one\nstill one", "<13>first", "<13>no trailer", "<13>second", Bind], got.Order(StringComparer.Ordinal));
        Assert.Equal(2, source.Counters.ConnectionsAccepted);
    }

    [Fact]
    public async Task A_full_queue_stops_reading_the_tcp_connection_until_there_is_room_and_loses_nothing()
    {
        // 200 lines into a 4-deep queue nobody reads at first: the connection holds what did not fit
        // and reads no further (TCP's window holds the rest back). Read, all 200 arrive in order.
        var channel = new LogChannel(4);
        var source = new LogSource("tcp:test", DnsLogFormat.Unknown, true);
        using var receiver = Tcp(channel, source);
        await receiver.StartAsync(CancellationToken.None);
        try
        {
            var lines = Enumerable.Range(0, 200).Select(i => $"{Bind} #{i}").ToArray();
            using var client = new TcpClient();
            await client.ConnectAsync(receiver.BoundEndpoint!);
            var send = client.GetStream().WriteAsync(Encoding.ASCII.GetBytes(string.Join("\n", lines) + "\n")).AsTask();
            Assert.True(await Eventually.HoldsAsync(() => Interlocked.Read(ref source.Counters.QueueFullWaits) >= 1, Wait));
            Assert.Equal(4, channel.Count);

            var seen = new List<string>();
            using var timeout = new CancellationTokenSource(Wait);
            while (seen.Count < lines.Length)
            {
                var m = await channel.Reader.ReadAsync(timeout.Token);
                seen.Add(Encoding.ASCII.GetString(m.Span));
                LogChannel.Release(m);
            }
            await send.WaitAsync(Wait);
            Assert.Equal(lines, seen);
            var counters = source.ReadCounters().ToDictionary(kv => kv.Key, kv => kv.Value);
            Assert.Equal(200, counters["messages"]);
            Assert.Equal(0, counters["dropped_queue_full"]);
            Assert.True(counters["queue_full_waits"] >= 1);
            Assert.False(counters.ContainsKey("dropped_by_kernel")); // UDP listeners only
        }
        finally
        {
            await receiver.StopAsync(CancellationToken.None);
        }
    }

    [Fact]
    public async Task Oversize_frames_are_cut_counted_and_the_connection_goes_on()
    {
        var channel = new LogChannel(64);
        var source = new LogSource("tcp:test", DnsLogFormat.Unknown, true);
        using var receiver = Tcp(channel, source, maxMessage: 100);
        await receiver.StartAsync(CancellationToken.None);
        using (var c = new TcpClient())
        {
            await c.ConnectAsync(receiver.BoundEndpoint!);
            await c.GetStream().WriteAsync(Encoding.ASCII.GetBytes("<13>" + new string('x', 5000) + "\n<13>after\n"));
        }
        Assert.True(await Eventually.HoldsAsync(() => Interlocked.Read(ref source.Counters.Messages) == 2, Wait));
        await receiver.StopAsync(CancellationToken.None);
        var got = Drain(channel);
        Assert.Equal(100, got[0].Length);
        Assert.Equal("<13>after", got[1]);
        Assert.Equal(1, source.Counters.Truncated);
    }

    [Fact]
    public async Task Bad_octet_count_and_a_client_that_stops_mid_frame_are_counted()
    {
        var channel = new LogChannel(64);
        var source = new LogSource("tcp:test", DnsLogFormat.Unknown, true);
        using var receiver = Tcp(channel, source);
        await receiver.StartAsync(CancellationToken.None);
        using (var bad = new TcpClient())
        {
            await bad.ConnectAsync(receiver.BoundEndpoint!);
            await bad.GetStream().WriteAsync(Encoding.ASCII.GetBytes("12x <13>nope"));
            // The relay closes a stream it cannot resynchronise.
            var buf = new byte[1];
            Assert.Equal(0, await bad.GetStream().ReadAsync(buf).AsTask().WaitAsync(Wait));
        }
        using (var cut = new TcpClient())
        {
            await cut.ConnectAsync(receiver.BoundEndpoint!);
            await cut.GetStream().WriteAsync(Encoding.ASCII.GetBytes("50 <13>only part"));
        }
        Assert.True(await Eventually.HoldsAsync(() => Interlocked.Read(ref source.Counters.IncompleteFrames) == 1, Wait));
        await receiver.StopAsync(CancellationToken.None);
        Assert.Equal(1, source.Counters.FramingErrors);
        Assert.Empty(Drain(channel));
    }

    [Fact]
    public async Task Idle_connections_are_closed_and_connections_beyond_the_limit_refused_while_others_are_served()
    {
        var channel = new LogChannel(4096);
        var source = new LogSource("tcp:test", DnsLogFormat.Unknown, true);
        using var receiver = Tcp(channel, source, maxConnections: 200, idleSeconds: 2);
        await receiver.StartAsync(CancellationToken.None);
        var idle = new List<TcpClient>();
        try
        {
            for (int i = 0; i < 199; i++)
            {
                var c = new TcpClient();
                await c.ConnectAsync(receiver.BoundEndpoint!);
                idle.Add(c);
            }
            Assert.True(await Eventually.HoldsAsync(() => Interlocked.Read(ref source.Counters.ConnectionsOpen) == 199, Wait));
            using var good = new TcpClient();
            await good.ConnectAsync(receiver.BoundEndpoint!);
            Assert.True(await Eventually.HoldsAsync(() => Interlocked.Read(ref source.Counters.ConnectionsOpen) == 200, Wait));
            using (var refused = new TcpClient())
            {
                await refused.ConnectAsync(receiver.BoundEndpoint!);
                Assert.True(await Eventually.HoldsAsync(() => Interlocked.Read(ref source.Counters.ConnectionsRefused) == 1, Wait));
            }
            // The well-behaved client is still served next to 199 idle ones.
            await good.GetStream().WriteAsync(Encoding.ASCII.GetBytes(Bind + "\n"));
            Assert.True(await Eventually.HoldsAsync(() => Interlocked.Read(ref source.Counters.Messages) == 1, Wait));
            // Then the idle timeout closes everyone who stays silent.
            Assert.True(await Eventually.HoldsAsync(() => Interlocked.Read(ref source.Counters.ConnectionsIdleClosed) == 200, TimeSpan.FromSeconds(20)));
            Assert.Equal(0, Interlocked.Read(ref source.Counters.ConnectionsOpen));
        }
        finally
        {
            foreach (var c in idle) c.Dispose();
            await receiver.StopAsync(CancellationToken.None);
        }
        Assert.Equal([Bind], Drain(channel));
    }

    [Fact]
    public async Task Tls_with_client_certificates_accepts_the_CA_issued_client_and_refuses_others()
    {
        using var dir = new TempDir();
        using var caKey = RSA.Create(2048);
        var caReq = new CertificateRequest("CN=FlowRelay Test CA", caKey, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        caReq.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        caReq.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        using var ca = caReq.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
        using var serverKey = RSA.Create(2048);
        var serverReq = new CertificateRequest("CN=localhost", serverKey, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        using var server = serverReq.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
        File.WriteAllText(dir.File("server.pem"), server.ExportCertificatePem());
        File.WriteAllText(dir.File("server.key"), serverKey.ExportPkcs8PrivateKeyPem());
        File.WriteAllText(dir.File("ca.pem"), ca.ExportCertificatePem());
        using var clientKey = RSA.Create(2048);
        var clientReq = new CertificateRequest("CN=resolver1", clientKey, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        clientReq.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.2")], false));
        using var clientPublic = clientReq.Create(ca, DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddHours(12), [1, 2, 3, 4]);
        using var clientEphemeral = clientPublic.CopyWithPrivateKey(clientKey);
        // Linux SslStream wants a persisted key for client certificates: round-trip through PKCS#12.
        using var client = X509CertificateLoader.LoadPkcs12(clientEphemeral.Export(X509ContentType.Pfx), null);

        var tls = SyslogTls.Create(dir.File("server.pem"), dir.File("server.key"), dir.File("ca.pem"));
        var channel = new LogChannel(64);
        var source = new LogSource("tls:test", DnsLogFormat.Unknown, true);
        using var receiver = Tcp(channel, source, tls: tls, idleSeconds: 5);
        await receiver.StartAsync(CancellationToken.None);

        async Task<bool> Send(X509Certificate2? cert)
        {
            using var tcp = new TcpClient();
            await tcp.ConnectAsync(receiver.BoundEndpoint!);
            using var ssl = new SslStream(tcp.GetStream(), false, (_, _, _, _) => true);
            try
            {
                await ssl.AuthenticateAsClientAsync(new SslClientAuthenticationOptions
                {
                    TargetHost = "localhost",
                    ClientCertificates = cert is null ? null : new X509CertificateCollection { cert },
                });
                byte[] msg = Encoding.ASCII.GetBytes($"{Bind.Length} {Bind}");
                await ssl.WriteAsync(msg);
                await ssl.FlushAsync();
                // TLS 1.3 reports a refused client certificate only on the next read.
                var buf = new byte[1];
                int n = await ssl.ReadAsync(buf).AsTask().WaitAsync(TimeSpan.FromMilliseconds(500)).ContinueWith(t => t.IsCompletedSuccessfully ? t.Result : -1);
                return n != 0;
            }
            catch (Exception e) when (e is System.Security.Authentication.AuthenticationException or IOException)
            {
                return false;
            }
        }

        Assert.True(await Send(client));
        Assert.True(await Eventually.HoldsAsync(() => Interlocked.Read(ref source.Counters.Messages) == 1, Wait));
        await Send(null);
        Assert.True(await Eventually.HoldsAsync(() => Interlocked.Read(ref source.Counters.TlsHandshakeFailures) == 1, Wait));
        await receiver.StopAsync(CancellationToken.None);
        Assert.Equal([Bind], Drain(channel));
    }
}
