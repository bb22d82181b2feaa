using System.Globalization;
using System.Net;

namespace FlowRelay.LoadGen;

/// <summary>The command line of the load generator, parsed.</summary>
public sealed class LoadGenOptions
{
    public IPEndPoint Target { get; set; } = new(IPAddress.Loopback, 2055);
    public ExportFormat Format { get; set; } = ExportFormat.Ipfix;
    /// <summary>Exporters, each its own socket bound to its own 127.0.x.y source address.</summary>
    public int Exporters { get; set; } = 50;
    /// <summary>Flow records per second over all exporters (0: as fast as possible).</summary>
    public double Rate { get; set; } = 100_000;
    public TimeSpan Duration { get; set; } = TimeSpan.FromSeconds(30);
    public int RecordsPerPacket { get; set; } = 27;
    /// <summary>Each exporter re-sends its templates every this many data packets (Cisco's "template data refresh").</summary>
    public int TemplateRefresh { get; set; } = 20;
    /// <summary>Distinct internal host addresses the flows cycle through.</summary>
    public int Hosts { get; set; } = 100_000;
    /// <summary>Share of packets carrying IPv6 records (softflowd's template 2048).</summary>
    public double Ipv6Share { get; set; } = 0.1;
    /// <summary>First source address; exporter i sends from this address + i (inside 127/8 no alias setup is needed on Linux).</summary>
    public IPAddress SourceBase { get; set; } = IPAddress.Parse("127.0.1.1");
    /// <summary>Bind every exporter to the same (unspecified) source instead, telling them apart by observation domain.</summary>
    public bool SingleSource { get; set; }
    public int Threads { get; set; } = 1;
    public int Seed { get; set; } = 42;
    /// <summary>DNS query log lines per second over syslog UDP (0: none).</summary>
    public double DnsRate { get; set; }
    public IPEndPoint DnsTarget { get; set; } = new(IPAddress.Loopback, 5514);
    /// <summary>What the DNS lines are: BIND query lines, or dnsmasq query and reply pairs answering the flows' addresses.</summary>
    public DnsFeedFormat DnsFormat { get; set; } = DnsFeedFormat.Bind;
    /// <summary>Share of DNS flows (port 53) that go straight to an internet resolver; the rest go to the network's own resolvers.</summary>
    public double DirectDnsShare { get; set; } = 0.02;

    public const string Usage = """
        flowrelay-loadgen: sends NetFlow v9 / IPFIX (softflowd's templates) and BIND query-log lines over syslog.

          --target ip:port            flow collector (default 127.0.0.1:2055)
          --format ipfix|v9           export protocol (default ipfix)
          --exporters N               exporters, each from its own 127.0.1.x source address (default 50)
          --rate N                    flow records per second over all exporters; 0 = unpaced (default 100000)
          --duration 30s              how long to send (ms, s, m)
          --records-per-packet N      data records per IPv4 packet (default 27, like softflowd at 1500 MTU;
                                      IPv6 packets carry at most 21, what fits)
          --template-refresh N        re-send templates every N data packets per exporter (default 20)
          --hosts N                   distinct internal hosts in the flows (default 100000)
          --ipv6-share F              share of IPv6 packets, 0..1 (default 0.1)
          --source-base ip            first exporter source address (default 127.0.1.1)
          --single-source             all exporters share one source; distinct observation domains
          --threads N                 sending threads (default 1)
          --seed N                    random seed (default 42)
          --dns N                     DNS log lines (bind) or query/reply pairs (dnsmasq) per second over
                                      syslog UDP (default 0: none)
          --dns-target ip:port        syslog receiver for --dns (default 127.0.0.1:5514)
          --dns-format bind|dnsmasq   bind: query lines (no answers); dnsmasq: per unit of --dns a query
                                      and its reply (log-queries=extra), a host asking for one of the
                                      internet addresses the flows use, so the relay's DNS join finds
                                      answers (default bind)
          --direct-dns-share F        share of DNS flows sent straight to an internet resolver, 0..1
                                      (default 0.02); the rest go to the network's resolvers
                                      10.255.0.53 / 10.255.1.53 / fd00::53, as clients in a managed network do

        Prints one JSON line with what was sent.
        """;

    /// <summary>Parses <paramref name="args"/>; throws <see cref="ArgumentException"/> with a message for the user.</summary>
    public static LoadGenOptions Parse(string[] args)
    {
        var o = new LoadGenOptions();
        for (int i = 0; i < args.Length; i++)
        {
            string a = args[i];
            string Next() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{a} needs a value");
            switch (a)
            {
                case "--target": o.Target = ParseEndpoint(Next(), a); break;
                case "--format":
                    o.Format = Next().ToLowerInvariant() switch
                    {
                        "ipfix" or "10" => ExportFormat.Ipfix,
                        "v9" or "9" => ExportFormat.V9,
                        var f => throw new ArgumentException($"--format: ipfix or v9 (got '{f}')"),
                    };
                    break;
                case "--exporters": o.Exporters = ParseInt(Next(), a, 1, 65_000); break;
                case "--rate": o.Rate = ParseDouble(Next(), a, 0, 1e9); break;
                case "--duration": o.Duration = ParseDuration(Next(), a); break;
                case "--records-per-packet": o.RecordsPerPacket = ParseInt(Next(), a, 1, 30); break;
                case "--template-refresh": o.TemplateRefresh = ParseInt(Next(), a, 1, 1_000_000); break;
                case "--hosts": o.Hosts = ParseInt(Next(), a, 1, 16_000_000); break;
                case "--ipv6-share": o.Ipv6Share = ParseDouble(Next(), a, 0, 1); break;
                case "--source-base":
                    o.SourceBase = IPAddress.TryParse(Next(), out var sb) && sb.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork
                        ? sb : throw new ArgumentException("--source-base: an IPv4 address");
                    break;
                case "--single-source": o.SingleSource = true; break;
                case "--threads": o.Threads = ParseInt(Next(), a, 1, 64); break;
                case "--seed": o.Seed = ParseInt(Next(), a, int.MinValue, int.MaxValue); break;
                case "--dns": o.DnsRate = ParseDouble(Next(), a, 0, 1e7); break;
                case "--dns-target": o.DnsTarget = ParseEndpoint(Next(), a); break;
                case "--dns-format":
                    o.DnsFormat = Next().ToLowerInvariant() switch
                    {
                        "bind" => DnsFeedFormat.Bind,
                        "dnsmasq" => DnsFeedFormat.Dnsmasq,
                        var f => throw new ArgumentException($"--dns-format: bind or dnsmasq (got '{f}')"),
                    };
                    break;
                case "--direct-dns-share": o.DirectDnsShare = ParseDouble(Next(), a, 0, 1); break;
                default: throw new ArgumentException($"unknown option '{a}'");
            }
        }
        return o;
    }

    private static IPEndPoint ParseEndpoint(string s, string name) =>
        IPEndPoint.TryParse(s, out var ep) && ep.Port != 0 ? ep : throw new ArgumentException($"{name}: ip:port (got '{s}')");

    private static int ParseInt(string s, string name, int min, int max) =>
        int.TryParse(s, NumberStyles.Integer, CultureInfo.InvariantCulture, out int v) && v >= min && v <= max
            ? v : throw new ArgumentException($"{name}: a whole number {min}..{max} (got '{s}')");

    private static double ParseDouble(string s, string name, double min, double max) =>
        double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out double v) && v >= min && v <= max
            ? v : throw new ArgumentException($"{name}: a number {min}..{max} (got '{s}')");

    /// <summary>"30s", "500ms", "2m", or bare seconds.</summary>
    public static TimeSpan ParseDuration(string s, string name = "--duration")
    {
        s = s.Trim();
        (string num, double scale) = s.EndsWith("ms", StringComparison.Ordinal) ? (s[..^2], 0.001)
            : s.EndsWith('s') ? (s[..^1], 1.0)
            : s.EndsWith('m') ? (s[..^1], 60.0)
            : s.EndsWith('h') ? (s[..^1], 3600.0)
            : (s, 1.0);
        return double.TryParse(num, NumberStyles.Float, CultureInfo.InvariantCulture, out double v) && v > 0
            ? TimeSpan.FromSeconds(v * scale) : throw new ArgumentException($"{name}: a duration such as 30s, 500ms, 2m (got '{s}')");
    }
}

/// <summary>The DNS log lines the load generator sends.</summary>
public enum DnsFeedFormat
{
    /// <summary>BIND query-log lines: queries only, no answers.</summary>
    Bind,

    /// <summary>dnsmasq with log-queries=extra: a query line and its reply line, answering the flows' addresses.</summary>
    Dnsmasq,
}
