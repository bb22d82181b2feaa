using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using System.Text.RegularExpressions;
using FlowRelay.IntegrationTests.Infrastructure;
using Xunit;
using Xunit.Abstractions;

namespace FlowRelay.IntegrationTests.Dns;

/// <summary>
/// Issue 3, "How we will know it works" 1: BIND 9, dnsmasq and Unbound answer queries made by
/// dig; syslog-ng in one run and rsyslog in the other reads BIND's and dnsmasq's query logs and
/// forwards every line to the relay over UDP, TCP with octet counting, TCP with newline framing
/// and TLS with client certificates; Unbound's log is tailed from its file. Every query must
/// become exactly one DNS document per input, with the client, name, type and (where the log has
/// it) the response code dig saw, and the documents of each input must match, query for query,
/// the query lines in each server's own log.
/// </summary>
/// <remarks>
/// Debian's rsyslog and syslog-ng-core packages conflict: scripts/test.sh installs syslog-ng-core
/// and scripts/fetch-rsyslog.sh extracts rsyslog beside it (see <see cref="Rsyslog.Locate"/>).
/// </remarks>
public sealed class DnsLogRelayTests(ITestOutputHelper output)
{
    private const int UdpPort = 5514, OctetPort = 5515, LfPort = 5516, TlsPort = 6514;
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(60);

    private sealed record Query(int Port, string Name, string Type, bool Tcp = false);

    [Theory]
    [InlineData("syslog-ng")]
    [InlineData("rsyslog")]
    public async Task Every_query_dig_makes_becomes_exactly_one_document_per_input(string forwarder)
    {
        // Fail at once, saying how to get it, when the forwarder is not there.
        Assert.True(forwarder != "syslog-ng" || File.Exists(SyslogNg.Binary), $"{SyslogNg.Binary} is missing (scripts/test.sh installs syslog-ng-core)");
        if (forwarder == "rsyslog") output.WriteLine($"rsyslogd: {string.Join(' ', Rsyslog.Locate().Command())}");
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
            (string File, string Tag)[] logs = [(bindLog, "named"), (dnsmasqLog, "dnsmasq")];
            Rsyslog.Forward[] forwards =
            [
                new("udp", UdpPort), new("tcp", OctetPort, "octet-counted"), new("tcp", LfPort, "traditional"), new("tcp", TlsPort, "octet-counted", Tls: true),
            ];
            output.WriteLine($"forwarding with {forwarder}");
            var forwarding = forwarder == "syslog-ng"
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
                if (forwarding.HasExited) throw new InvalidOperationException($"the syslog daemon exited ({forwarding.ExitCode}):\n{forwarding.StandardOutput}\n{forwarding.StandardError}");
                docs = relay.DnsDocuments().Where(d => d.GetString("dns.question.name") != "probe.lab.test").ToList();
                return docs.Count >= expectedTotal;
            }, Bound, $"{expectedTotal} DNS documents", () => $"{docs.Count} so far\n{Summary(docs)}\n{forwarder}:\n{forwarding.StandardError}\n{relay.Diagnostics()}");
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

            // The servers' own logs: every query line there is exactly one document per input.
            var bindLogged = ServerLogQueries(bindLog, BindQueryLine);
            var dnsmasqLogged = ServerLogQueries(dnsmasqLog, DnsmasqQueryLine);
            var unboundLogged = ServerLogQueries(unboundLog, UnboundQueryLine);
            output.WriteLine($"query lines in the servers' logs (probes left out): bind {bindLogged.Count}, dnsmasq {dnsmasqLogged.Count}, unbound {unboundLogged.Count}");
            foreach (string input in syslogInputs)
            {
                AssertMatchesServerLog(docs, input, "bind", bindLogged, bindLog);
                AssertMatchesServerLog(docs, input, "dnsmasq", dnsmasqLogged, dnsmasqLog);
            }
            AssertMatchesServerLog(docs, unboundLog, "unbound", unboundLogged, unboundLog);
            Assert.Equal(syslogInputs.Length * (bindLogged.Count + dnsmasqLogged.Count) + unboundLogged.Count, docs.Count);

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

    // A query line in each server's own log, as the servers here write them (see DnsServers):
    // BIND "client @0x… 127.0.0.1#47493 (www.lab.test): query: www.lab.test IN A +E(0)K (127.0.0.1)",
    // dnsmasq (log-queries=extra) "… dnsmasq[17927]: 2 127.0.0.1/37948 query[A] fixed.lab.test from 127.0.0.1",
    // Unbound (log-queries; log-replies lines carry rcode, time, cache flag and size after the class)
    // "[1795840562] unbound[17930:0] info: 127.0.0.1 www.lab.test. A IN".
    private static readonly Regex BindQueryLine = new(@": query: (?<name>\S+) (?<class>\S+) (?<type>\S+) ", RegexOptions.CultureInvariant);
    private static readonly Regex DnsmasqQueryLine = new(@" query\[(?<type>[A-Za-z0-9]+)\] (?<name>\S+) from ", RegexOptions.CultureInvariant);
    private static readonly Regex UnboundQueryLine = new(@" info: \S+ (?<name>\S+) (?<type>\S+) (?<class>IN|CH|HS)$", RegexOptions.CultureInvariant);

    /// <summary>The (name, type) of every query line in a server's log file, the readiness probes left out.</summary>
    private static List<(string Name, string Type)> ServerLogQueries(string file, Regex queryLine)
    {
        string text;
        using (var s = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete))
            text = new StreamReader(s).ReadToEnd();
        return text.Split('\n').Select(l => queryLine.Match(l.TrimEnd('\r'))).Where(m => m.Success)
            .Select(m => (Normal(m.Groups["name"].Value), m.Groups["type"].Value))
            .Where(q => q.Item1 != "probe.lab.test").ToList();
    }

    private static void AssertMatchesServerLog(List<JsonElement> docs, string input, string format, List<(string Name, string Type)> logged, string logFile)
    {
        var got = docs.Where(d => d.GetString("flowrelay.dns.input") == input && d.GetString("flowrelay.dns.format") == format)
            .Select(d => (d.GetString("dns.question.name")!, d.GetString("dns.question.type")!)).Order().ToList();
        Assert.True(got.Count == logged.Count && logged.Order().SequenceEqual(got),
            $"{input} {format}: {got.Count} documents, {logged.Count} query lines in {logFile}\n logged [{string.Join(", ", logged.Order())}]\n got [{string.Join(", ", got)}]");
    }

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
