using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using FlowRelay.Emit.Cef;
using FlowRelay.Engine.Alerts;
using FlowRelay.Engine.Rules;
using Microsoft.Extensions.Logging.Abstractions;
using Xunit;

namespace FlowRelay.Tests.CefOutput;

/// <summary>
/// A real syslog-ng, started by the test on a free port, receives the relay's CEF over TLS (RFC 5424
/// header, octet counting) and writes each message's MSG part to a file. Every field is read back
/// from that file with <see cref="CefReader"/> — written from the CEF standard's escaping rules and
/// checked against the standard's own examples — and must equal what was sent: values with
/// <c>=</c>, <c>\</c>, <c>|</c>, line breaks and non-ASCII text, header fields at their length limits.
/// </summary>
public sealed class SyslogNgCefTests
{
    [Fact]
    public async Task Syslog_ng_receives_CEF_over_TLS_and_every_field_reads_back_as_sent()
    {
        // A real peer, installed by scripts/test.sh: missing means the test command was not used.
        Assert.True(File.Exists("/usr/sbin/syslog-ng"), "syslog-ng is not installed: run scripts/test.sh (it installs syslog-ng-core)");
        using var dir = new TempDir();
        using var key = RSA.Create(2048);
        var req = new CertificateRequest("CN=localhost", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var san = new SubjectAlternativeNameBuilder();
        san.AddDnsName("localhost");
        req.CertificateExtensions.Add(san.Build());
        using var cert = req.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
        File.WriteAllText(dir.File("cert.pem"), cert.ExportCertificatePem());
        File.WriteAllText(dir.File("key.pem"), key.ExportPkcs8PrivateKeyPem());
        int port;
        using (var probe = new TcpListener(IPAddress.Loopback, 0))
        {
            probe.Start();
            port = ((IPEndPoint)probe.LocalEndpoint).Port;
        }
        string output = dir.File("received.log");
        File.WriteAllText(dir.File("syslog-ng.conf"), $$"""
            @version: 3.38
            options { stats-freq(0); keep-hostname(yes); };
            source s_tls {
              syslog(ip("127.0.0.1") port({{port}}) transport("tls")
                     tls(key-file("{{dir.File("key.pem")}}") cert-file("{{dir.File("cert.pem")}}") peer-verify(optional-untrusted)));
            };
            destination d_file { file("{{output}}" template("$MSG\n")); };
            log { source(s_tls); destination(d_file); };
            """);
        var psi = new ProcessStartInfo("/usr/sbin/syslog-ng",
            $"-F --no-caps -f {dir.File("syslog-ng.conf")} -R {dir.File("persist")} -p {dir.File("pid")} -c {dir.File("ctl")}")
        {
            RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false,
        };
        using var syslogNg = Process.Start(psi)!;
        var stderr = new System.Text.StringBuilder();
        syslogNg.ErrorDataReceived += (_, e) => { lock (stderr) stderr.AppendLine(e.Data); };
        syslogNg.BeginErrorReadLine();
        syslogNg.BeginOutputReadLine();
        try
        {
            Assert.True(await Eventually.HoldsAsync(() => CanConnect(port) || syslogNg.HasExited, TimeSpan.FromSeconds(15)), "syslog-ng did not listen");
            Assert.False(syslogNg.HasExited, "syslog-ng exited: " + stderr);

            var alerts = Alerts();
            var formatter = new CefFormatter(SyslogHeader.Rfc5424, 16, "relay-test");
            await using (var sender = new SyslogSender(new SyslogSenderOptions
            {
                Host = "127.0.0.1", Port = port, Transport = SyslogTransport.Tls, CaFile = dir.File("cert.pem"), ServerName = "localhost",
            }, NullLogger.Instance))
            {
                foreach (var a in alerts) sender.Enqueue(formatter.Format(a).Span);
                Assert.True(await Eventually.HoldsAsync(() => Lines(output).Count >= alerts.Count, TimeSpan.FromSeconds(20)),
                    $"{Lines(output).Count} of {alerts.Count} lines; syslog-ng: {stderr}");
            }

            var lines = Lines(output);
            Assert.Equal(alerts.Count, lines.Count);
            for (int i = 0; i < alerts.Count; i++)
            {
                var a = alerts[i];
                var r = CefReader.Parse(lines[i]);
                Assert.Equal("FlowRelay", r.Vendor);
                // A header field cannot hold a line break: the formatter writes a space instead.
                string id = a.Rule.Id.Replace('\n', ' ').Replace('\r', ' ');
                Assert.Equal(id[..Math.Min(id.Length, CefWriter.SignatureMax)], r.SignatureId);
                string title = a.Rule.Title.Replace('\n', ' ').Replace('\r', ' ');
                Assert.Equal(title[..Math.Min(title.Length, CefWriter.NameMax)], r.Name);
                Assert.Equal(CefFormatter.SeverityOf(a.Rule.Level).ToString(), r.Severity);
                Assert.Equal(string.Join(" ", a.Fields.Select(f => f.Key + "=" + f.Value)), r.Extension["cs3"]);
                Assert.Equal(a.Message[..Math.Min(a.Message.Length, 1023)], r.Extension["msg"]);
                Assert.Equal(a.Rule.Name, r.Extension["cs1"]);
                Assert.Equal("10.99.0.1", r.Extension["src"]);
            }
        }
        finally
        {
            if (!syslogNg.HasExited) syslogNg.Kill();
            await syslogNg.WaitForExitAsync();
        }
    }

    private static List<Alert> Alerts()
    {
        string[] values =
        [
            "plain", "a=b", "back\\slash", "pipe|in|value", "line\nbreak", "cr\r\nlf", "é日本🛰 ünïcödé", "\\=\\|\\n", "= = =", "trailing\\",
        ];
        var alerts = new List<Alert>();
        foreach (var v in values)
        {
            alerts.Add(new Alert
            {
                Rule = new RuleInfo { Id = "rule|" + v, Name = "n=" + v, Title = "Title " + v, Level = "high", File = "x.yml" },
                TimeNs = 1_795_000_000_000_000_000, Kind = "value_sum",
                Fields = [new("source.ip", "10.99.0.1"), new("note", v)], EventCount = 3, Value = 2.5, Condition = "gt 1",
            });
        }
        // Header fields at and beyond their length limits.
        alerts.Add(new Alert
        {
            Rule = new RuleInfo { Id = new string('i', 1023), Name = "long", Title = new string('t', 512), Level = "critical", File = "x.yml" },
            TimeNs = 1_795_000_000_000_000_000, Kind = "value_sum", Fields = [new("source.ip", "10.99.0.1")],
        });
        alerts.Add(new Alert
        {
            Rule = new RuleInfo { Id = new string('|', 1500), Name = "longer", Title = new string('\\', 700), Level = "low", File = "x.yml" },
            TimeNs = 1_795_000_000_000_000_000, Kind = "value_sum", Fields = [new("source.ip", "10.99.0.1")],
        });
        return alerts;
    }

    private static List<string> Lines(string path)
    {
        if (!File.Exists(path)) return [];
        using var s = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        using var reader = new StreamReader(s);
        var lines = new List<string>();
        while (reader.ReadLine() is { } line) lines.Add(line);
        return lines;
    }

    private static bool CanConnect(int port)
    {
        try
        {
            using var c = new TcpClient();
            c.Connect(IPAddress.Loopback, port);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }
}
