using System.Net.Sockets;
using System.Text;

namespace FlowRelay.LoadGen;

/// <summary>
/// Sends DNS log lines over syslog UDP (RFC 3164 framing, as rsyslog forwards them). BIND: query-log
/// lines (named's "queries" channel), mostly ordinary lookups, some tunnelling-style unique
/// subdomains, some TXT; they carry no answers. dnsmasq (log-queries=extra): per unit a query and
/// its reply, a random internal host resolving one of the internet addresses the flows use (the
/// same exporters' packets rebuilt from the same seed), so the relay's DNS answer cache fills and
/// its DNS join finds names for the flows, as it does fed by a real resolver.
/// </summary>
public sealed class DnsLogSender : IDisposable
{
    private static readonly string[] Common = ["www.example.com", "mail.example.org", "api.github.com", "updates.example.net", "cdn.example.com", "login.example.com", "www.wikipedia.org", "time.example.net"];
    private static readonly string[] Months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
    private readonly Socket _socket;
    private readonly Random _rng;
    private readonly byte[] _buffer = new byte[1024];
    private readonly int _hosts;

    private readonly DnsFeedFormat _format;
    private readonly uint[] _answers = [];
    private long _serial;

    public DnsLogSender(LoadGenOptions o)
    {
        _socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        _socket.Connect(o.DnsTarget);
        _rng = new Random(o.Seed ^ 0x5eed);
        _hosts = o.Hosts;
        _format = o.DnsFormat;
        if (_format == DnsFeedFormat.Dnsmasq)
        {
            _answers = Enumerable.Range(0, o.Exporters)
                .SelectMany(i => new ExporterStream(o.Format, i, o.RecordsPerPacket, o.TemplateRefresh, o.Hosts, o.Ipv6Share, o.Seed, 0, o.DirectDnsShare).ExternalAddresses)
                .Distinct().Order().ToArray();
            if (_answers.Length == 0) throw new ArgumentException("--dns-format dnsmasq: the flows use no internet IPv4 address to answer (--ipv6-share 1?)");
        }
    }

    /// <summary>The distinct internet addresses the dnsmasq replies answer (0 for BIND).</summary>
    public int AnswerAddresses => _answers.Length;

    public long Lines;
    public long Bytes;
    public long SendErrors;

    /// <summary>Builds one syslog message carrying a BIND query-log line.</summary>
    public string NextLine(DateTime now)
    {
        uint host = ExporterStream.InternalHost((uint)_rng.Next(_hosts));
        string client = Dotted(host);
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

    /// <summary>A dnsmasq query and its reply: a random internal host resolving one of the flows' internet addresses.</summary>
    public (string Query, string Reply) NextPair(DateTime now)
    {
        uint host = ExporterStream.InternalHost((uint)_rng.Next(_hosts));
        string client = Dotted(host);
        int i = _rng.Next(_answers.Length);
        string name = $"a{i}.cdn{i % 61}.example.net";
        string prefix = $"<30>{Months[now.Month - 1]} {now.Day,2} {now:HH:mm:ss} gw dnsmasq[812]: {++_serial} {client}/{_rng.Next(1024, 65535)} ";
        return (prefix + $"query[A] {name} from {client}", prefix + $"reply {name} is {Dotted(_answers[i])}");
    }

    private static string Dotted(uint a) => $"{a >> 24}.{(a >> 16) & 255}.{(a >> 8) & 255}.{a & 255}";

    /// <summary>Sends one BIND line, or one dnsmasq query and its reply; returns 1 (one unit for pacing).</summary>
    public long SendOne()
    {
        var now = DateTime.UtcNow;
        if (_format == DnsFeedFormat.Dnsmasq)
        {
            var (query, reply) = NextPair(now);
            Send(query);
            Send(reply);
        }
        else Send(NextLine(now));
        return 1;
    }

    private void Send(string line)
    {
        int n = Encoding.ASCII.GetBytes(line, _buffer);
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
    }

    public void Dispose() => _socket.Dispose();
}
