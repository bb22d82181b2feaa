using FlowRelay.IntegrationTests.Infrastructure;

namespace FlowRelay.IntegrationTests.Dns;

/// <summary>
/// Real resolvers on 127.0.0.1 inside a test namespace, configured as scripts/make-dns-samples.sh
/// runs them: BIND 9 (query log to a file, no time prefix, as named sends it to syslog),
/// dnsmasq with log-queries=extra (forwarding lab.test to BIND) and Unbound with log-queries and
/// log-replies. All authoritative for lab.test or holding local data; nothing leaves the machine.
/// </summary>
internal static class DnsServers
{
    public const int BindPort = 5301;
    public const int DnsmasqPort = 5303;
    public const int UnboundPort = 5305;

    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);

    public static async Task StartBindAsync(NetworkNamespace ns, string dir)
    {
        Directory.CreateDirectory(dir);
        await File.WriteAllTextAsync(Path.Combine(dir, "lab.test.zone"), """
            $TTL 300
            @    IN SOA ns.lab.test. admin.lab.test. 1 3600 600 86400 300
            @    IN NS  ns
            ns   IN A   127.0.0.1
            www  IN A   10.1.2.3
            www  IN A   10.1.2.4
            v6   IN AAAA fd00::1
            txt  IN TXT "hello world"
            mail IN MX  10 www
            *.wild IN A 10.7.7.7

            """);
        await File.WriteAllTextAsync(Path.Combine(dir, "named.conf"), $$"""
            options {
              directory "{{dir}}"; pid-file "{{dir}}/named.pid"; session-keyfile "{{dir}}/session.key";
              managed-keys-directory "{{dir}}";
              listen-on port {{BindPort}} { 127.0.0.1; }; listen-on-v6 { none; };
              recursion no; querylog yes; dnssec-validation no;
            };
            controls { };
            logging {
              channel q { file "{{dir}}/query.log"; print-time no; print-category no; print-severity no; severity info; };
              category queries { q; };
              category default { null; };
            };
            zone "lab.test" { type primary; file "{{dir}}/lab.test.zone"; };
            """);
        var named = ns.Start("named", "-f", "-u", "root", "-c", Path.Combine(dir, "named.conf"));
        await WaitAnswersAsync(ns, BindPort, named);
    }

    public static async Task StartDnsmasqAsync(NetworkNamespace ns, string dir)
    {
        Directory.CreateDirectory(dir);
        var dnsmasq = ns.Start("dnsmasq", "--keep-in-foreground", "--conf-file=/dev/null", "--user=root", "--group=root",
            "--listen-address=127.0.0.1", "--bind-interfaces", $"--port={DnsmasqPort}", "--no-resolv", "--no-hosts",
            $"--pid-file={dir}/dnsmasq.pid", "--log-queries=extra", $"--log-facility={dir}/dnsmasq.log",
            "--address=/fixed.lab.test/10.9.9.9", "--address=/blocked.lab.test/", $"--server=/lab.test/127.0.0.1#{BindPort}");
        await WaitAnswersAsync(ns, DnsmasqPort, dnsmasq);
    }

    public static async Task StartUnboundAsync(NetworkNamespace ns, string dir)
    {
        Directory.CreateDirectory(dir);
        string conf = Path.Combine(dir, "unbound.conf");
        await File.WriteAllTextAsync(conf, $"""
            server:
              interface: 127.0.0.1
              port: {UnboundPort}
              do-daemonize: no
              username: ""
              chroot: ""
              directory: "{dir}"
              pidfile: "{dir}/unbound.pid"
              logfile: "{dir}/unbound.log"
              use-syslog: no
              verbosity: 0
              log-queries: yes
              log-replies: yes
              access-control: 127.0.0.0/8 allow
              do-not-query-localhost: no
              module-config: "iterator"
              local-zone: "lab.test." static
              local-data: "www.lab.test. A 10.1.2.3"
              local-data: "v6.lab.test. AAAA fd00::1"
              local-data: 'txt.lab.test. TXT "hello world"'
            remote-control:
              control-enable: no

            """);
        var unbound = ns.Start("unbound", "-d", "-c", conf);
        await WaitAnswersAsync(ns, UnboundPort, unbound);
    }

    /// <summary>
    /// BIND 9 as a recursive resolver on port 53 of <paramref name="listen"/> (and 127.0.0.1, for the
    /// readiness probe): primary for lab.test with <paramref name="labZone"/>, and forwarding
    /// each of <paramref name="forwards"/> (a domain and a port on 127.0.0.1: a tunnel server
    /// authoritative for it) the way a site resolver forwards or delegates a zone. Every client
    /// query goes to <c>query.log</c> (no time prefix, as named sends it to syslog); the queries
    /// it forwards are not client queries and are not logged.
    /// </summary>
    public static async Task StartBindResolverAsync(NetworkNamespace ns, string dir, IEnumerable<string> listen, string labZone,
        IEnumerable<(string Domain, int Port)> forwards)
    {
        Directory.CreateDirectory(dir);
        await File.WriteAllTextAsync(Path.Combine(dir, "lab.test.zone"), labZone);
        string zones = string.Join("\n", forwards.Select(f =>
            $"zone \"{f.Domain}\" {{ type forward; forward only; forwarders {{ 127.0.0.1 port {f.Port}; }}; }};"));
        await File.WriteAllTextAsync(Path.Combine(dir, "named.conf"), $$"""
            options {
              directory "{{dir}}"; pid-file "{{dir}}/named.pid"; session-keyfile "{{dir}}/session.key";
              managed-keys-directory "{{dir}}";
              listen-on port 53 { 127.0.0.1; {{string.Join(" ", listen.Select(a => a + ";"))}} }; listen-on-v6 { none; };
              recursion yes; allow-query { any; }; allow-recursion { any; };
              querylog yes; dnssec-validation no; qname-minimization off;
            };
            controls { };
            logging {
              channel q { file "{{dir}}/query.log"; print-time no; print-category no; print-severity no; severity info; };
              channel d { file "{{dir}}/named.log"; print-time yes; severity info; };
              category queries { q; };
              category default { d; };
            };
            zone "lab.test" { type primary; file "{{dir}}/lab.test.zone"; };
            {{zones}}
            """);
        var named = ns.Start("named", "-f", "-u", "root", "-c", Path.Combine(dir, "named.conf"));
        await WaitAnswersAsync(ns, 53, named);
    }

    /// <summary>Readiness: the server answers a probe (probe.lab.test, left out of the assertions).</summary>
    private static Task WaitAnswersAsync(NetworkNamespace ns, int port, ChildProcess server) =>
        Wait.UntilAsync(async () =>
        {
            if (server.HasExited) throw new InvalidOperationException($"'{server.CommandLine}' exited ({server.ExitCode}):\n{server.StandardOutput}\n{server.StandardError}");
            var dig = await RunAsync(ns, TimeSpan.FromSeconds(5), "dig", "@127.0.0.1", "-p", port.ToString(), "+time=1", "+tries=1", "probe.lab.test", "A");
            return dig.StandardOutput.Contains("status:", StringComparison.Ordinal);
        }, Bound, $"a DNS server answering on {port}");

    /// <summary>Runs a program in the namespace without failing on its exit code (dig exits non-zero on a timeout).</summary>
    public static Task<ChildProcess> RunAsync(NetworkNamespace ns, TimeSpan timeout, string program, params string[] args) =>
        ChildProcess.RunAsync(timeout, "ip", ["netns", "exec", ns.Name, program, .. args], check: false);

    /// <summary>One query by dig; returns its status line's rcode (NOERROR, NXDOMAIN ...).</summary>
    public static async Task<string> DigAsync(NetworkNamespace ns, int port, string name, string type, bool tcp = false)
    {
        string[] args = ["@127.0.0.1", "-p", port.ToString(), "+time=2", "+tries=1", name, type];
        if (tcp) args = [.. args, "+tcp"];
        var dig = await RunAsync(ns, TimeSpan.FromSeconds(10), "dig", args);
        var line = dig.StandardOutput.Split('\n').FirstOrDefault(l => l.Contains("status: ", StringComparison.Ordinal)) ?? "";
        int at = line.IndexOf("status: ", StringComparison.Ordinal);
        return at < 0 ? "" : line[(at + 8)..].Split(',')[0];
    }
}
