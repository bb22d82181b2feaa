using System.Net.Sockets;
using System.Text;

namespace FlowRelay.LoadGen;

/// <summary>
/// Sends BIND query-log lines over syslog UDP (RFC 3164 framing, as rsyslog forwards named's
/// "queries" channel): mostly ordinary lookups, some tunnelling-style unique subdomains, some TXT.
/// </summary>
public sealed class DnsLogSender : IDisposable
{
    private static readonly string[] Common = ["www.example.com", "mail.example.org", "api.github.com", "updates.example.net", "cdn.example.com", "login.example.com", "www.wikipedia.org", "time.example.net"];
    private static readonly string[] Months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
    private readonly Socket _socket;
    private readonly Random _rng;
    private readonly byte[] _buffer = new byte[1024];
    private readonly int _hosts;

    public DnsLogSender(LoadGenOptions o)
    {
        _socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        _socket.Connect(o.DnsTarget);
        _rng = new Random(o.Seed ^ 0x5eed);
        _hosts = o.Hosts;
    }

    public long Lines;
    public long Bytes;
    public long SendErrors;

    /// <summary>Builds one syslog message carrying a BIND query-log line.</summary>
    public string NextLine(DateTime now)
    {
        uint host = ExporterStream.InternalHost((uint)_rng.Next(_hosts));
        string client = $"{host >> 24}.{(host >> 16) & 255}.{(host >> 8) & 255}.{host & 255}";
        double x = _rng.NextDouble();
        string name, type = "A";
        if (x < 0.05)
        {
            // Tunnelling shape: a long random label under one parent, often TXT.
            var label = new StringBuilder(48);
            for (int i = 0; i < 40; i++) label.Append("abcdefghijklmnopqrstuvwxyz0123456789"[_rng.Next(36)]);
            name = label + ".t.exfil-test.example";
            type = _rng.NextDouble() < 0.5 ? "TXT" : "A";
        }
        else
        {
            name = Common[_rng.Next(Common.Length)];
            type = _rng.NextDouble() < 0.2 ? "AAAA" : "A";
        }
        return $"<30>{Months[now.Month - 1]} {now.Day,2} {now:HH:mm:ss} ns1 named[4242]: client @0x7f00aa{_rng.Next(4096):x3} {client}#{_rng.Next(1024, 65535)} ({name}): query: {name} IN {type} +E(0)K (10.0.0.53)";
    }

    /// <summary>Sends one line; returns 1 (one unit for pacing).</summary>
    public long SendOne()
    {
        int n = Encoding.ASCII.GetBytes(NextLine(DateTime.UtcNow), _buffer);
        try
        {
            _socket.Send(_buffer.AsSpan(0, n), SocketFlags.None);
            Lines++;
            Bytes += n;
        }
        catch (SocketException)
        {
            SendErrors++;
        }
        return 1;
    }

    public void Dispose() => _socket.Dispose();
}
