using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using FlowRelay.IntegrationTests.Infrastructure;
using Xunit;
using Xunit.Abstractions;

namespace FlowRelay.IntegrationTests.Dns;

/// <summary>
/// Issue 3, "How we will know it works" 1: BIND 9, dnsmasq and Unbound answer queries made by
/// dig; syslog-ng (or rsyslog, where that is the one installed) reads BIND's and dnsmasq's query logs and forwards every line to the relay over
/// UDP, TCP with octet counting, TCP with newline framing and TLS with client certificates;
/// Unbound's log is tailed from its file. Every query must become exactly one DNS document per
/// input, with the client, name, type and (where the log has it) the response code dig saw.
/// </summary>
public sealed class DnsLogRelayTests(ITestOutputHelper output)
{
    private const int UdpPort = 5514, OctetPort = 5515, LfPort = 5516, TlsPort = 6514;
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(60);

    private sealed record Query(int Port, string Name, string Type, bool Tcp = false);

    [Fact]
    public async Task Every_query_dig_makes_becomes_exactly_one_document_per_input()
    {
        using var dir = new TempDirectory("dns-logs");
        await using var ns = await NetworkNamespace.CreateAsync();
        var tls = WriteCertificates(dir.Path);

        string bindDir = dir.Combine("bind"), dnsmasqDir = dir.Combine("dnsmasq"), unboundDir = dir.Combine("unbound");
        Directory.CreateDirectory(unboundDir);
        string unboundLog = Path.Combine(unboundDir, "unbound.log");
        await using var relay = await DnsRelay.StartAsync(ns, dir.Combine("relay"), $"""
              syslog:
                listeners:
                  - {"{"} protocol: udp, listen: "127.0.0.1:{UdpPort}" {"}"}
                  - {"{"} protocol: tcp, listen: "127.0.0.1:{OctetPort}" {"}"}
                  - {"{"} protocol: tcp, listen: "127.0.0.1:{LfPort}" {"}"}
                  - protocol: tls
                    listen: "127.0.0.1:{TlsPort}"
                    tls_certificate: {tls.ServerCert}
                    tls_key: {tls.ServerKey}
                    tls_client_ca: {tls.Ca}
              files:
                poll_interval: 100ms
                sources:
                  - {"{"} path: {unboundLog}, format: unbound {"}"}
            """);
        try
        {
            await DnsServers.StartBindAsync(ns, bindDir);
            await DnsServers.StartDnsmasqAsync(ns, dnsmasqDir);
            await DnsServers.StartUnboundAsync(ns, unboundDir);
            string bindLog = Path.Combine(bindDir, "query.log"), dnsmasqLog = Path.Combine(dnsmasqDir, "dnsmasq.log");
            await Wait.UntilAsync(() => File.Exists(bindLog) && File.Exists(dnsmasqLog), Bound, "the query log files");
            // rsyslog and syslog-ng conflict as Debian packages: whichever is installed forwards (test.sh installs syslog-ng).
            (string File, string Tag)[] logs = [(bindLog, "named"), (dnsmasqLog, "dnsmasq")];
            Rsyslog.Forward[] forwards =
            [
                new("udp", UdpPort), new("tcp", OctetPort, "octet-counted"), new("tcp", LfPort, "traditional"), new("tcp", TlsPort, "octet-counted", Tls: true),
            ];
            bool useSyslogNg = File.Exists(SyslogNg.Binary);
            Assert.True(useSyslogNg || File.Exists("/usr/sbin/rsyslogd"), "neither syslog-ng nor rsyslog is installed (scripts/test.sh installs syslog-ng-core)");
            output.WriteLine($"forwarding with {(useSyslogNg ? "syslog-ng" : "rsyslog")}");
            var rsyslog = useSyslogNg
                ? await SyslogNg.StartAsync(ns, dir.Combine("syslog-ng"), logs, forwards, (tls.Ca, tls.ClientCert, tls.ClientKey))
                : await Rsyslog.StartAsync(ns, dir.Combine("rsyslog"), logs, forwards, (tls.Ca, tls.ClientCert, tls.ClientKey));

            var bindQueries = new List<Query>
            {
                new(DnsServers.BindPort, "www.lab.test", "A"), new(DnsServers.BindPort, "v6.lab.test", "AAAA"),
                new(DnsServers.BindPort, "txt.lab.test", "TXT"), new(DnsServers.BindPort, "mail.lab.test", "MX", Tcp: true),
                new(DnsServers.BindPort, "nope.lab.test", "A"), new(DnsServers.BindPort, "WWW.Lab.Test.", "A"),
            };
            bindQueries.AddRange(Enumerable.Range(0, 8).Select(i => new Query(DnsServers.BindPort, $"b{i}.wild.lab.test", "A")));
            var dnsmasqQueries = new List<Query>
            {
                new(DnsServers.DnsmasqPort, "fixed.lab.test", "A"), new(DnsServers.DnsmasqPort, "blocked.lab.test", "A"),
                new(DnsServers.DnsmasqPort, "www.lab.test", "A"),
            };
            dnsmasqQueries.AddRange(Enumerable.Range(0, 5).Select(i => new Query(DnsServers.DnsmasqPort, $"d{i}.wild.lab.test", "A")));
            var unboundQueries = new List<Query>
            {
                new(DnsServers.UnboundPort, "www.lab.test", "A"), new(DnsServers.UnboundPort, "v6.lab.test", "AAAA"),
                new(DnsServers.UnboundPort, "txt.lab.test", "TXT"), new(DnsServers.UnboundPort, "nope.lab.test", "A"),
                new(DnsServers.UnboundPort, "u1.lab.test", "A"), new(DnsServers.UnboundPort, "www.lab.test", "AAAA"),
            };
            var status = new Dictionary<(int, string, string), string>();
            foreach (var q in bindQueries.Concat(dnsmasqQueries).Concat(unboundQueries))
                status[(q.Port, Normal(q.Name), q.Type)] = await DnsServers.DigAsync(ns, q.Port, q.Name, q.Type, q.Tcp);

            // dnsmasq forwards lab.test names it does not answer itself to BIND, which logs them too.
            var bindExpected = bindQueries.Select(q => (Normal(q.Name), q.Type))
                .Concat(dnsmasqQueries.Where(q => q.Name.Contains("wild") || q.Name == "www.lab.test").Select(q => (q.Name, q.Type))).ToList();
            var dnsmasqExpected = dnsmasqQueries.Select(q => (q.Name, q.Type)).ToList();
            var unboundExpected = unboundQueries.Select(q => (q.Name, q.Type)).ToList();
            string[] syslogInputs = [$"udp:127.0.0.1:{UdpPort}", $"tcp:127.0.0.1:{OctetPort}", $"tcp:127.0.0.1:{LfPort}", $"tls:127.0.0.1:{TlsPort}"];
            int expectedTotal = syslogInputs.Length * (bindExpected.Count + dnsmasqExpected.Count) + unboundExpected.Count;

            List<JsonElement> docs = [];
            await Wait.UntilAsync(() =>
            {
                if (rsyslog.HasExited) throw new InvalidOperationException($"the syslog daemon exited ({rsyslog.ExitCode}):\n{rsyslog.StandardOutput}\n{rsyslog.StandardError}");
                docs = relay.DnsDocuments().Where(d => d.GetString("dns.question.name") != "probe.lab.test").ToList();
                return docs.Count >= expectedTotal;
            }, Bound, $"{expectedTotal} DNS documents", () => $"{docs.Count} so far\n{Summary(docs)}\nrsyslog:\n{rsyslog.StandardError}\n{relay.Diagnostics()}");
            // Give late duplicates a moment to show up, then judge.
            await Task.Delay(1500);
            docs = relay.DnsDocuments().Where(d => d.GetString("dns.question.name") != "probe.lab.test").ToList();
            output.WriteLine(Summary(docs));

            foreach (string input in syslogInputs)
            {
                AssertQueries(docs, input, "bind", bindExpected, status, DnsServers.BindPort);
                AssertQueries(docs, input, "dnsmasq", dnsmasqExpected, status, DnsServers.DnsmasqPort);
            }
            AssertQueries(docs, unboundLog, "unbound", unboundExpected, status, DnsServers.UnboundPort);
            Assert.Equal(expectedTotal, docs.Count);

            foreach (var d in docs)
            {
                Assert.Equal("127.0.0.1", d.GetString("source.ip"));
                Assert.Equal("flowrelay.dns", d.GetString("event.dataset"));
                Assert.Equal("lab.test", d.GetString("dns.question.registered_domain"));
                Assert.Equal("test", d.GetString("dns.question.top_level_domain"));
            }
            var mx = docs.First(d => d.GetString("flowrelay.dns.format") == "bind" && d.GetString("dns.question.type") == "MX");
            Assert.Equal("tcp", mx.GetString("network.transport"));
            var www = docs.First(d => d.GetString("flowrelay.dns.format") == "unbound" && d.GetString("dns.question.name") == "www.lab.test" && d.GetString("dns.question.type") == "A");
            Assert.Equal("NOERROR", www.GetString("dns.response_code"));
        }
        finally
        {
            await relay.StopAsync();
        }
    }

    private static string Normal(string name) => name.ToLowerInvariant().TrimEnd('.');

    private static void AssertQueries(List<JsonElement> docs, string input, string format, List<(string Name, string Type)> expected,
        Dictionary<(int, string, string), string> status, int port)
    {
        var mine = docs.Where(d => d.GetString("flowrelay.dns.input") == input && d.GetString("flowrelay.dns.format") == format).ToList();
        var got = mine.Select(d => (d.GetString("dns.question.name")!, d.GetString("dns.question.type")!)).Order().ToList();
        Assert.True(expected.Order().SequenceEqual(got),
            $"{input} {format}: expected [{string.Join(", ", expected.Order())}]\n got [{string.Join(", ", got)}]");
        foreach (var d in mine)
        {
            // The response code, where the log tells it, is the one dig saw.
            if (d.GetString("dns.response_code") is { } rcode && status.TryGetValue((port, d.GetString("dns.question.name")!, d.GetString("dns.question.type")!), out var seen))
                Assert.True(rcode == seen, $"{input} {format} {d.GetString("dns.question.name")}: response_code {rcode}, dig saw {seen}");
        }
    }

    private static string Summary(List<JsonElement> docs) => string.Join("\n", docs
        .GroupBy(d => (d.GetString("flowrelay.dns.input"), d.GetString("flowrelay.dns.format")))
        .Select(g => $"{g.Key}: {g.Count()} [{string.Join(", ", g.Select(d => d.GetString("dns.question.name") + "/" + d.GetString("dns.question.type") + "/" + d.GetString("dns.response_code")))}]"));

    private static (string Ca, string ServerCert, string ServerKey, string ClientCert, string ClientKey) WriteCertificates(string dir)
    {
        using var caKey = RSA.Create(2048);
        var caReq = new CertificateRequest("CN=FlowRelay Test CA", caKey, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        caReq.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        caReq.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        using var ca = caReq.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(2));
        string Issue(string cn, string eku, string name, byte serial)
        {
            using var key = RSA.Create(2048);
            var req = new CertificateRequest(cn, key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
            req.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, false));
            req.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.KeyEncipherment, true));
            req.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid(eku)], false));
            var san = new SubjectAlternativeNameBuilder();
            san.AddIpAddress(System.Net.IPAddress.Loopback);
            san.AddDnsName("localhost");
            req.CertificateExtensions.Add(san.Build());
            using var cert = req.Create(ca, DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1), [serial, 1, 2, 3]);
            string certPath = Path.Combine(dir, name + ".pem"), keyPath = Path.Combine(dir, name + ".key");
            File.WriteAllText(certPath, cert.ExportCertificatePem());
            File.WriteAllText(keyPath, key.ExportPkcs8PrivateKeyPem());
            return certPath;
        }
        string caPath = Path.Combine(dir, "ca.pem");
        File.WriteAllText(caPath, ca.ExportCertificatePem());
        string server = Issue("CN=localhost", "1.3.6.1.5.5.7.3.1", "server", 1);
        string client = Issue("CN=resolver", "1.3.6.1.5.5.7.3.2", "client", 2);
        return (caPath, server, Path.ChangeExtension(server, ".key"), client, Path.ChangeExtension(client, ".key"));
    }
}
