using FlowRelay.IntegrationTests.Infrastructure;

namespace FlowRelay.IntegrationTests.Dns;

/// <summary>
/// syslog-ng in the foreground with the test's own config, persist, pid and control files: file()
/// sources read the resolvers' log files (no-parse: each line is the message, the program set
/// as the resolver's) and forward every line to the relay — syslog() over UDP, syslog() over TCP
/// (RFC 6587 octet counting), network() over TCP (RFC 3164, newline framing) and syslog() over
/// TLS presenting a client certificate.
/// </summary>
internal static class SyslogNg
{
    public const string Binary = "/usr/sbin/syslog-ng";

    public static async Task<ChildProcess> StartAsync(NetworkNamespace ns, string dir, IEnumerable<(string File, string Tag)> inputs, IEnumerable<Rsyslog.Forward> forwards,
        (string Ca, string Cert, string Key) tls)
    {
        Directory.CreateDirectory(dir);
        var conf = new System.Text.StringBuilder();
        conf.AppendLine("@version: 3.38");
        conf.AppendLine("options { stats-freq(0); keep-hostname(yes); use-dns(no); flush-lines(0); };");
        int i = 0;
        var sources = new List<string>();
        foreach (var (file, tag) in inputs)
        {
            string name = $"s_{i++}";
            sources.Add(name);
            conf.AppendLine($"source {name} {{ file(\"{file}\" follow-freq(1) program-override(\"{tag}\") flags(no-parse)); }};");
        }
        var destinations = new List<string>();
        foreach (var f in forwards)
        {
            string name = $"d_{i++}";
            destinations.Add(name);
            string driver = f.Tls
                ? $"syslog(\"127.0.0.1\" port({f.Port}) transport(\"tls\") tls(ca-file(\"{tls.Ca}\") key-file(\"{tls.Key}\") cert-file(\"{tls.Cert}\") peer-verify(required-trusted)))"
                : f.Protocol == "udp" ? $"syslog(\"127.0.0.1\" port({f.Port}) transport(\"udp\"))"
                : f.Framing == "octet-counted" ? $"syslog(\"127.0.0.1\" port({f.Port}) transport(\"tcp\"))"
                : $"network(\"127.0.0.1\" port({f.Port}) transport(\"tcp\"))";
            conf.AppendLine($"destination {name} {{ {driver}; }};");
        }
        conf.AppendLine($"log {{ {string.Concat(sources.Select(s => $"source({s}); "))}{string.Concat(destinations.Select(d => $"destination({d}); "))}}};");
        string confPath = Path.Combine(dir, "syslog-ng.conf");
        await File.WriteAllTextAsync(confPath, conf.ToString());
        string[] common = ["--no-caps", "-f", confPath, "-R", Path.Combine(dir, "persist"), "-p", Path.Combine(dir, "pid"), "-c", Path.Combine(dir, "ctl")];
        var check = await DnsServers.RunAsync(ns, TimeSpan.FromSeconds(20), Binary, ["-s", .. common]);
        if (check.ExitCode != 0) throw new InvalidOperationException($"syslog-ng config rejected:\n{conf}\n{check.StandardOutput}\n{check.StandardError}");
        return ns.Start(Binary, ["-F", .. common]);
    }
}
