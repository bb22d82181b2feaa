using System.Globalization;
using System.Text;
using System.Text.Json;
using FlowRelay.IntegrationTests.Infrastructure;
using Xunit;
using Xunit.Abstractions;

namespace FlowRelay.IntegrationTests.Rules;

/// <summary>
/// Issue 5, "How we will know it works" 3: from real traffic, the bundled upload trigger raises
/// three alerts for a host that uploads more than 20 MB three times, the repeat trigger (n = 2)
/// one, and that host's threat index climbs; a host downloading 60 MB meanwhile raises nothing,
/// and neither does an upload to an excluded backup server.
///
/// Five namespaces, addresses existing only inside them: three LAN hosts — the uploader
/// (10.64.0.2), the downloader (10.64.0.3) and a backup client (10.64.0.4) — on a bridge in the
/// "edge" router's namespace (gateway 10.64.0.1), which forwards to an "internet" namespace
/// holding 93.184.216.34 (an ordinary server) and 93.184.216.10 (the backup server) over an
/// uplink veth. dumpcap records the edge's uplink, where a flow sensor sits; softflowd replays
/// that capture as IPFIX to the relay, which runs in the edge namespace with a copy of the bundled
/// rules whose backup list also names 93.184.216.10/32 (the bundled entries are documentation
/// addresses that match nothing).
///
/// Why exactly three upload alerts: each upload is one TCP connection, exported as one outbound
/// record of about 21.7 MB (21 MB of payload plus headers), so each record on its own takes the
/// uploader's 5-minute sum over 20,000,000 and the alert consumes (clears) the window
/// (CorrelationState.Update); whatever order softflowd exports them in, each of the three records
/// trips the rule once. The uploader's other records are the servers' replies (inbound; the
/// uploader sent none of their bytes, so the outbound rule does not match them), so nothing else
/// counts toward a fourth. The third upload alert is the repeat trigger's third event in 24 hours
/// (more than 2): one repeat alert. The download's only uploaded bytes are its ACKs (well under
/// 20 MB), and the backup upload is removed by the exclusion filter and marked with it.
/// </summary>
public sealed class UploadAlertTests(ITestOutputHelper output)
{
    private const string Gateway = "10.64.0.1", Uploader = "10.64.0.2", Downloader = "10.64.0.3", BackupClient = "10.64.0.4";
    private const string EdgeUplinkIp = "172.31.255.1", InternetUplinkIp = "172.31.255.2";
    private const string ServerIp = "93.184.216.34", BackupServerIp = "93.184.216.10";
    private const int UploadPort = 443, DownloadPort = 80, BackupPort = 443, MarkerPort = 9, RelayPort = 4739;
    private const long UploadBytes = 21_000_000, DownloadBytes = 60_000_000, BackupBytes = 25_000_000;
    private const int Uploads = 3;

    private const string UploadRule = "flowrelay_upload_trigger";
    private const string RepeatRule = "flowrelay_repeat_upload_trigger";
    private const string ExclusionFilter = "flowrelay_exclude_backup_and_update_servers";

    // The machine is shared (load averages above 10 on 2 cores seen): generous bounds, never sleeps.
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(120);

    [Fact]
    public async Task Three_uploads_raise_three_upload_alerts_and_one_repeat_alert_downloader_and_excluded_backup_none()
    {
        using var dir = new TempDirectory("upload");
        await using var edge = await NetworkNamespace.CreateAsync();
        await using var internet = await NetworkNamespace.CreateAsync();
        await using var uploaderNs = await NetworkNamespace.CreateAsync();
        await using var downloaderNs = await NetworkNamespace.CreateAsync();
        await using var backupNs = await NetworkNamespace.CreateAsync();

        // The edge router: a bridge for the LAN, an uplink to the internet, forwarding on.
        await Ip("-n", edge.Name, "link", "add", "br0", "type", "bridge");
        await Ip("-n", edge.Name, "addr", "add", Gateway + "/24", "dev", "br0");
        await Ip("-n", edge.Name, "link", "set", "br0", "up");
        await edge.RunAsync(TimeSpan.FromSeconds(10), "sysctl", "-q", "-w", "net.ipv4.ip_forward=1");
        string uplink = await VethAsync(edge, internet);
        string internetSide = internet.Name + "w";
        await Ip("-n", edge.Name, "addr", "add", EdgeUplinkIp + "/30", "dev", uplink);
        await Ip("-n", edge.Name, "link", "set", uplink, "up");
        await Ip("-n", edge.Name, "route", "add", "default", "via", InternetUplinkIp);
        await Ip("-n", internet.Name, "addr", "add", InternetUplinkIp + "/30", "dev", internetSide);
        foreach (var a in new[] { ServerIp, BackupServerIp })
            await Ip("-n", internet.Name, "addr", "add", a + "/32", "dev", internetSide);
        await Ip("-n", internet.Name, "link", "set", internetSide, "up");
        await Ip("-n", internet.Name, "route", "add", "10.64.0.0/24", "via", EdgeUplinkIp);
        foreach (var (ns, ip) in new[] { (uploaderNs, Uploader), (downloaderNs, Downloader), (backupNs, BackupClient) })
        {
            string port = await VethAsync(edge, ns);
            await Ip("-n", edge.Name, "link", "set", port, "master", "br0");
            await Ip("-n", edge.Name, "link", "set", port, "up");
            string hostSide = ns.Name + "w";
            await Ip("-n", ns.Name, "addr", "add", ip + "/24", "dev", hostSide);
            await Ip("-n", ns.Name, "link", "set", hostSide, "up");
            await Ip("-n", ns.Name, "route", "add", "default", "via", Gateway);
        }
        foreach (var (ns, target) in new[] { (uploaderNs, ServerIp), (downloaderNs, ServerIp), (backupNs, BackupServerIp) })
        {
            await Wait.UntilAsync(async () => (await ns.RunAsync(TimeSpan.FromSeconds(5), "ping", "-c1", "-W1", target).ContinueWith(t => t.IsCompletedSuccessfully)),
                Bound, $"{target} reachable from {ns.Name}");
        }

        // The relay's own copy of the bundled rules: the backup list also names the test's backup server.
        string rules = dir.Combine("rules");
        CopyDirectory(Path.Combine(AppContext.BaseDirectory, "rules"), rules);
        string backupList = Path.Combine(rules, "lists", "backup_servers.txt");
        await File.AppendAllTextAsync(backupList, $"# The upload acceptance test's backup server.\n{BackupServerIp}/32\n");

        string relayDir = dir.Combine("relay"), events = Path.Combine(relayDir, "events"), data = Path.Combine(relayDir, "data");
        Directory.CreateDirectory(relayDir);
        string config = Path.Combine(relayDir, "flowrelay.yaml");
        await File.WriteAllTextAsync(config, $"""
            data_dir: {data}
            stats_interval: 1s
            log_level: info
            inputs:
              flow:
                listen: ["127.0.0.1:{RelayPort}"]
            outputs:
              ndjson:
                path: {events}
                flush_interval: 100ms
            rules:
              enabled: true
              path: {rules}
              reload_interval: 0s
            enrich:
              networks:
                internal: ["10.64.0.0/16"]
            """);
        string dotnet = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host : "dotnet";
        var relay = edge.Start(dotnet, RelayProcess.RelayDll, "run", "--config", config);
        string Diagnostics()
        {
            string stats = Path.Combine(data, "stats.json");
            return $"relay stats:\n{(File.Exists(stats) ? File.ReadAllText(stats) : "(none)")}\nrelay output:\n{Tail(relay.StandardOutput)}\n{Tail(relay.StandardError)}";
        }
        await edge.WaitForUdpPortAsync(RelayPort, Bound, relay);

        // Everything crossing the uplink, headers only, with room to spare in the capture buffer.
        string traffic = dir.Combine("traffic.pcap");
        var dumpcap = edge.Start("dumpcap", "-q", "-i", uplink, "-s", "96", "-B", "64", "-P", "-f", "ip", "-w", traffic);
        await Wait.UntilAsync(() =>
        {
            if (dumpcap.HasExited) throw new InvalidOperationException("dumpcap exited: " + dumpcap.StandardError);
            return dumpcap.StandardError.Contains("Capturing on", StringComparison.Ordinal);
        }, Bound, "dumpcap on the edge's uplink");

        // The three uploads one after another, while the download and the backup upload run.
        string received = dir.Combine("received.bin");
        var transfers = new[]
        {
            Task.Run(async () =>
            {
                for (int i = 0; i < Uploads; i++)
                    await TransferAsync(internet, uploaderNs, ServerIp, UploadPort, UploadBytes);
            }),
            Task.Run(() => DownloadAsync(internet, downloaderNs, received)),
            Task.Run(() => TransferAsync(internet, backupNs, BackupServerIp, BackupPort, BackupBytes)),
        };
        await Task.WhenAll(transfers);
        Assert.Equal(DownloadBytes, new FileInfo(received).Length);
        File.Delete(received);

        // A marker datagram on disk means every packet before it is too. It comes from the edge's
        // uplink address, which is not internal: it counts toward no host.
        await Wait.UntilAsync(async () =>
        {
            await using (var marker = edge.StartWithInput("marker"u8.ToArray(), "socat", "-u", "-", $"UDP4-SENDTO:{ServerIp}:{MarkerPort}"))
                await marker.WaitForExitAsync(TimeSpan.FromSeconds(5));
            if (!File.Exists(traffic)) return false;
            var read = await ChildProcess.RunAsync(Bound, "tshark", ["-n", "-r", traffic, "-Y", $"udp.dstport == {MarkerPort}"], check: false);
            return read.StandardOutput.Trim().Length > 0;
        }, Bound, "the capture marker on disk");
        Assert.True(await dumpcap.StopAsync(ChildProcess.SIGINT, Bound), "dumpcap did not stop");
        output.WriteLine($"dumpcap: {dumpcap.StandardError.Trim()}");

        await Softflowd.RunAsync(edge, traffic, 10, $"127.0.0.1:{RelayPort}", dir.Path);

        // Wait for the flow records of every conversation and the alerts the uploads must raise.
        List<JsonElement> docs = [];
        await Wait.UntilAsync(() =>
        {
            if (relay.HasExited) throw new InvalidOperationException($"the relay exited ({relay.ExitCode})\n{Diagnostics()}");
            docs = RelayDocuments.Read(events);
            var flows = Flows(docs);
            return flows.Where(f => Outbound(f, Uploader, ServerIp, UploadPort)).Select(f => f.GetLong("source.port")).Distinct().Count() == Uploads
                && flows.Any(f => Outbound(f, Downloader, ServerIp, null)) && flows.Any(f => Inbound(f, ServerIp, DownloadPort, Downloader))
                && flows.Any(f => Outbound(f, BackupClient, BackupServerIp, BackupPort))
                && RuleAlerts(docs, UploadRule).Count >= Uploads && RuleAlerts(docs, RepeatRule).Count >= 1;
        }, Bound, "the flow records and the upload alerts", () => $"{Summary(docs)}\n{Diagnostics()}");

        // A graceful stop flushes every file: from here the documents are all there are.
        Assert.True(await relay.StopAsync(ChildProcess.SIGTERM, Bound), "the relay did not stop\n" + Diagnostics());
        docs = RelayDocuments.Read(events);
        output.WriteLine(Summary(docs));
        var all = Flows(docs);
        var alerts = docs.Where(d => d.GetString("event.kind") == "alert").ToList();
        var risks = docs.Where(d => d.GetString("event.dataset") == "flowrelay.risk").ToList();

        // The uploads: one outbound record each, more than 20 MB on its own.
        var uploadFlows = all.Where(f => Outbound(f, Uploader, ServerIp, UploadPort)).ToList();
        Assert.Equal(Uploads, uploadFlows.Count);
        Assert.All(uploadFlows, f =>
        {
            Assert.Equal("outbound", f.GetString("network.direction"));
            Assert.True(f.GetLong("flowrelay.upload.bytes") > UploadBytes, $"flowrelay.upload.bytes {f.GetLong("flowrelay.upload.bytes")} not above the {UploadBytes} sent");
            Assert.Null(f.Get("flowrelay.excluded_by"));
        });

        // Three upload alerts for the uploader, each for more than 20,000,000 bytes in 5 minutes.
        var uploadAlerts = RuleAlerts(docs, UploadRule);
        Assert.Equal(Uploads, uploadAlerts.Count);
        Assert.All(uploadAlerts, a =>
        {
            Assert.Equal(Uploader, a.GetString("host.ip"));
            Assert.Equal("value_sum", a.GetString("flowrelay.alert.type"));
            Assert.Equal(20_000_000, a.GetLong("flowrelay.alert.threshold"));
            Assert.Equal(300, a.GetLong("flowrelay.alert.timespan"));
            double value = a.Get("flowrelay.alert.value")!.Value.GetDouble();
            Assert.True(value > 20_000_000 && value < 2 * 20_000_000, $"upload alert value {value}: one upload's record, not more");
            Assert.Equal(4, a.GetLong("event.severity")); // level high
        });
        // Each alert is exactly one upload's record: the window was consumed in between.
        Assert.Equal(uploadFlows.Select(f => (double)f.GetLong("flowrelay.upload.bytes")!.Value).Order(),
            uploadAlerts.Select(a => a.Get("flowrelay.alert.value")!.Value.GetDouble()).Order());

        // One repeat alert: the third upload alert in 24 hours.
        var repeat = Assert.Single(RuleAlerts(docs, RepeatRule));
        Assert.Equal(Uploader, repeat.GetString("host.ip"));
        Assert.Equal("event_count", repeat.GetString("flowrelay.alert.type"));
        Assert.Equal(3, repeat.Get("flowrelay.alert.value")!.Value.GetDouble());
        Assert.Equal(5, repeat.GetLong("event.severity")); // level critical

        // The uploader's threat index: one document per scored alert, climbing — 3 × 20 points for
        // the uploads and 40 for the repeat alert (less a few seconds' decay of a 24-hour half-life).
        var uploaderRisk = risks.Where(r => r.GetString("host.ip") == Uploader).ToList();
        Assert.Equal(Uploads + 1, uploaderRisk.Count);
        var scores = uploaderRisk.Select(r => r.Get("host.risk.calculated_score")!.Value.GetDouble()).ToList();
        output.WriteLine("uploader threat index: " + string.Join(" → ", uploaderRisk.Select(r => $"{r.Get("host.risk.calculated_score")} ({r.GetString("host.risk.calculated_level")})")));
        for (int i = 1; i < scores.Count; i++) Assert.True(scores[i] > scores[i - 1], $"threat index did not climb: {string.Join(", ", scores)}");
        Assert.InRange(scores[^1], 99, 100);
        Assert.Equal("Critical", uploaderRisk[^1].GetString("host.risk.calculated_level"));
        // Crossing into critical is itself an alert.
        Assert.Contains(alerts, a => a.GetString("rule.id") == "flowrelay-threat-index-critical" && a.GetString("host.ip") == Uploader);

        // Nothing names the downloader or the backup client, and no alert names the backup server.
        foreach (var quiet in new[] { Downloader, BackupClient })
        {
            Assert.DoesNotContain(alerts, a => a.GetString("host.ip") == quiet);
            Assert.DoesNotContain(risks, r => r.GetString("host.ip") == quiet);
        }
        Assert.All(alerts, a => Assert.DoesNotContain(BackupServerIp, a.GetRawText(), StringComparison.Ordinal));

        // The download really was 60 MB and the downloader's uploads (its ACKs) stay far below 20 MB.
        var downloads = all.Where(f => Inbound(f, ServerIp, DownloadPort, Downloader)).ToList();
        Assert.True(downloads.Sum(f => f.GetLong("flowrelay.download.bytes") ?? 0) > DownloadBytes, "the download's records hold less than 60 MB");
        long acks = all.Where(f => Outbound(f, Downloader, ServerIp, null)).Sum(f => f.GetLong("flowrelay.upload.bytes") ?? 0);
        Assert.InRange(acks, 1, 20_000_000 - 1);

        // The backup upload: more than 20 MB, outbound, and removed from the upload trigger by the filter.
        var backup = all.Where(f => Outbound(f, BackupClient, BackupServerIp, BackupPort)).ToList();
        Assert.NotEmpty(backup);
        Assert.True(backup.Sum(f => f.GetLong("flowrelay.upload.bytes") ?? 0) > BackupBytes, "the backup upload's records hold less than 25 MB");
        Assert.All(backup, f => Assert.Equal(ExclusionFilter, f.GetString("flowrelay.excluded_by")));
    }

    /// <summary>One upload: a one-connection sink on the server, the client sends <paramref name="bytes"/> zero bytes.</summary>
    private static async Task TransferAsync(NetworkNamespace internet, NetworkNamespace client, string server, int port, long bytes)
    {
        // The listener exits once the client's FIN arrives, i.e. after every byte crossed the uplink.
        await using var sink = internet.Start("socat", "-u", $"TCP4-LISTEN:{port},bind={server},reuseaddr", "OPEN:/dev/null,wronly");
        await WaitForListenerAsync(internet, server, port, sink);
        await client.RunAsync(Bound, "socat", "-u", $"EXEC:head -c {bytes.ToString(CultureInfo.InvariantCulture)} /dev/zero", $"TCP4:{server}:{port}");
        Assert.True(await sink.WaitForExitAsync(Bound), $"the sink on {server}:{port} did not finish");
        Assert.True(sink.ExitCode == 0, $"the sink on {server}:{port} failed: {sink.StandardError}");
    }

    /// <summary>The download: the server sends 60 MB and closes; the client writes them to <paramref name="received"/>.</summary>
    private static async Task DownloadAsync(NetworkNamespace internet, NetworkNamespace client, string received)
    {
        await using var source = internet.Start("socat", "-u", $"EXEC:head -c {DownloadBytes.ToString(CultureInfo.InvariantCulture)} /dev/zero",
            $"TCP4-LISTEN:{DownloadPort},bind={ServerIp},reuseaddr");
        await WaitForListenerAsync(internet, ServerIp, DownloadPort, source);
        await client.RunAsync(Bound, "socat", "-u", $"TCP4:{ServerIp}:{DownloadPort}", $"OPEN:{received},creat,wronly");
        Assert.True(await source.WaitForExitAsync(Bound), "the download source did not finish");
    }

    private static Task WaitForListenerAsync(NetworkNamespace ns, string ip, int port, ChildProcess listener) =>
        Wait.UntilAsync(async () =>
        {
            if (listener.HasExited) throw new InvalidOperationException($"'{listener.CommandLine}' exited ({listener.ExitCode}): {listener.StandardError}");
            var ss = await ns.RunAsync(TimeSpan.FromSeconds(5), "ss", "-tlnH");
            return ss.StandardOutput.Contains($"{ip}:{port} ", StringComparison.Ordinal);
        }, Bound, $"the listener on {ip}:{port}");

    /// <summary>A veth pair from <paramref name="a"/> to <paramref name="b"/>; returns the name of a's end (b's is b.Name + "w").</summary>
    private static async Task<string> VethAsync(NetworkNamespace a, NetworkNamespace b)
    {
        // Created in the root namespace, so named after the (unique) namespace b.
        string inA = b.Name + "a", inB = b.Name + "w";
        await Ip("link", "add", inA, "type", "veth", "peer", "name", inB);
        try
        {
            await Ip("link", "set", inA, "netns", a.Name);
            await Ip("link", "set", inB, "netns", b.Name);
        }
        catch
        {
            await ChildProcess.RunAsync(TimeSpan.FromSeconds(10), "ip", ["link", "del", inA], check: false);
            throw;
        }
        return inA; // from here the pair goes with the namespaces
    }

    private static List<JsonElement> Flows(List<JsonElement> docs) => docs.Where(d => d.GetString("event.dataset") == "flowrelay.flow").ToList();

    /// <summary>A record from an internal host to a server (any server port when <paramref name="serverPort"/> is null).</summary>
    private static bool Outbound(JsonElement f, string client, string server, int? serverPort) =>
        f.GetString("source.ip") == client && f.GetString("destination.ip") == server && (serverPort is null || f.GetLong("destination.port") == serverPort);

    private static bool Inbound(JsonElement f, string server, int serverPort, string client) =>
        f.GetString("source.ip") == server && f.GetLong("source.port") == serverPort && f.GetString("destination.ip") == client;

    /// <summary>Alerts of one bundled rule (by its Sigma name).</summary>
    private static List<JsonElement> RuleAlerts(List<JsonElement> docs, string rule) =>
        docs.Where(d => d.GetString("event.kind") == "alert" && d.GetString("flowrelay.alert.rule_name") == rule).ToList();

    private static string Summary(List<JsonElement> docs)
    {
        var sb = new StringBuilder();
        foreach (var f in Flows(docs))
        {
            sb.Append(CultureInfo.InvariantCulture, $"flow {f.GetString("source.ip")}:{f.GetString("source.port")} → {f.GetString("destination.ip")}:{f.GetString("destination.port")} ")
              .Append(CultureInfo.InvariantCulture, $"{f.GetString("network.direction")} bytes={f.GetString("source.bytes")} upload={f.GetString("flowrelay.upload.bytes")} download={f.GetString("flowrelay.download.bytes")} ")
              .Append(CultureInfo.InvariantCulture, $"end={f.GetString("event.end")} excluded_by={f.GetString("flowrelay.excluded_by")}\n");
        }
        foreach (var d in docs.Where(d => d.GetString("event.kind") == "alert"))
            sb.Append(CultureInfo.InvariantCulture, $"alert {d.GetString("rule.id")} {d.GetString("flowrelay.alert.rule_name")} host.ip={d.GetString("host.ip")} value={d.GetString("flowrelay.alert.value")} @ {d.GetString("@timestamp")}\n");
        foreach (var d in docs.Where(d => d.GetString("event.dataset") == "flowrelay.risk"))
            sb.Append(CultureInfo.InvariantCulture, $"risk host.ip={d.GetString("host.ip")} score={d.GetString("host.risk.calculated_score")} level={d.GetString("host.risk.calculated_level")} @ {d.GetString("@timestamp")}\n");
        return sb.ToString();
    }

    private static void CopyDirectory(string from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (var file in Directory.GetFiles(from)) File.Copy(file, Path.Combine(to, Path.GetFileName(file)));
        foreach (var sub in Directory.GetDirectories(from)) CopyDirectory(sub, Path.Combine(to, Path.GetFileName(sub)));
    }

    private static Task Ip(params string[] args) => ChildProcess.RunAsync(TimeSpan.FromSeconds(10), "ip", args);

    private static string Tail(string s) => s.Length <= 4000 ? s : s[^4000..];
}
