using System.Text.Json;
using FlowRelay.IntegrationTests.Infrastructure;
using Xunit;
using Xunit.Abstractions;

namespace FlowRelay.IntegrationTests.Enrichment;

/// <summary>
/// Issue 4, "How we will know it works" 1: an internal client (10.64.0.2) in one namespace and an
/// "internet" host in another (93.184.216.34, 93.184.216.35 and dnsmasq on 93.184.216.53, only
/// inside these namespaces), joined by a veth pair. The client resolves two names through dnsmasq,
/// whose query log the relay tails; then uploads to one name's address and downloads from the
/// other's while dumpcap records the client's veth. softflowd replays that capture as IPFIX to the
/// relay, whose flow documents must carry zones, direction, client/server, upload/download volume
/// and the resolved name.
/// </summary>
public sealed class EnrichedFlowsTests(ITestOutputHelper output)
{
    private const string ClientIp = "10.64.0.2";
    private const string UploadIp = "93.184.216.34";
    private const string DownloadIp = "93.184.216.35";
    private const string DnsIp = "93.184.216.53";
    private const string UploadName = "upload.example.com";
    private const string DownloadName = "download.example.com";
    private const int UploadPort = 443;
    private const int DownloadPort = 80;
    private const int RelayPort = 4739;
    private const int MarkerPort = 9;
    private const int UploadBytes = 3_000_000;
    private const int DownloadBytes = 2_000_000;
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task Flows_carry_zones_direction_client_server_volumes_and_resolved_domains()
    {
        using var dir = new TempDirectory("enrich");
        await using var client = await NetworkNamespace.CreateAsync();
        await using var internet = await NetworkNamespace.CreateAsync();
        // Interface names are per namespace once moved, but are created in the root namespace: unique there.
        string vethC = $"{client.Name}c", vethI = $"{client.Name}i";
        bool vethCreated = false;
        try
        {
            await Ip("link", "add", vethC, "type", "veth", "peer", "name", vethI);
            vethCreated = true;
            await Ip("link", "set", vethC, "netns", client.Name);
            await Ip("link", "set", vethI, "netns", internet.Name);
            vethCreated = false; // deleted with the namespaces from here on
            await Ip("-n", client.Name, "addr", "add", $"{ClientIp}/24", "dev", vethC);
            await Ip("-n", client.Name, "link", "set", vethC, "up");
            await Ip("-n", client.Name, "route", "add", "default", "dev", vethC);
            foreach (var a in new[] { UploadIp, DownloadIp, DnsIp })
                await Ip("-n", internet.Name, "addr", "add", $"{a}/32", "dev", vethI);
            await Ip("-n", internet.Name, "link", "set", vethI, "up");
            await Ip("-n", internet.Name, "route", "add", "10.64.0.0/24", "dev", vethI);
            await Wait.UntilAsync(async () =>
                (await client.RunAsync(TimeSpan.FromSeconds(5), "ping", "-c1", "-W1", DnsIp).ContinueWith(t => t.IsCompletedSuccessfully)),
                Bound, "the internet host reachable from the client");

            // The relay in the client namespace: IPFIX on lo, dnsmasq's query log tailed.
            string dnsDir = dir.Combine("dnsmasq");
            Directory.CreateDirectory(dnsDir);
            string dnsLog = Path.Combine(dnsDir, "dnsmasq.log");
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
                  files:
                    poll_interval: 100ms
                    sources:
                      - {"{"} path: {dnsLog}, format: dnsmasq {"}"}
                outputs:
                  ndjson:
                    path: {events}
                    flush_interval: 100ms
                rules:
                  enabled: false
                enrich:
                  networks:
                    internal: ["10.64.0.0/16"]
                """);
            string dotnet = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host : "dotnet";
            var relay = client.Start(dotnet, RelayProcess.RelayDll, "run", "--config", config);
            string Diagnostics() => $"relay output:\n{Tail(relay.StandardOutput)}\n{Tail(relay.StandardError)}";
            await client.WaitForUdpPortAsync(RelayPort, Bound, relay);

            // dnsmasq on the internet host answers both names from its own data.
            var dnsmasq = internet.Start("dnsmasq", "--keep-in-foreground", "--conf-file=/dev/null", "--user=root", "--group=root",
                $"--listen-address={DnsIp}", "--bind-interfaces", "--port=53", "--no-resolv", "--no-hosts",
                $"--pid-file={dnsDir}/dnsmasq.pid", "--log-queries=extra", $"--log-facility={dnsLog}",
                $"--address=/{UploadName}/{UploadIp}", $"--address=/{DownloadName}/{DownloadIp}");
            await Wait.UntilAsync(async () =>
            {
                if (dnsmasq.HasExited) throw new InvalidOperationException($"dnsmasq exited ({dnsmasq.ExitCode}):\n{dnsmasq.StandardError}");
                return await internet.IsUdpPortBoundAsync(53);
            }, Bound, "dnsmasq listening");

            // Everything the client sends or receives on its veth, headers only.
            string traffic = dir.Combine("traffic.pcap");
            var dumpcap = client.Start("dumpcap", "-q", "-i", vethC, "-s", "96", "-P", "-f", "ip", "-w", traffic);
            await Wait.UntilAsync(() =>
            {
                if (dumpcap.HasExited) throw new InvalidOperationException("dumpcap exited: " + dumpcap.StandardError);
                return dumpcap.StandardError.Contains("Capturing on", StringComparison.Ordinal);
            }, Bound, "dumpcap on the client's veth");

            Assert.Equal(UploadIp, await DigAsync(client, UploadName));
            Assert.Equal(DownloadIp, await DigAsync(client, DownloadName));
            // The answers must be in the relay's DNS cache before it sees the flows.
            List<JsonElement> dns = [];
            await Wait.UntilAsync(() =>
            {
                if (relay.HasExited) throw new InvalidOperationException($"the relay exited ({relay.ExitCode})\n{Diagnostics()}");
                dns = RelayDocuments.Read(events).Where(d => d.GetString("dns.question.name") is UploadName or DownloadName).ToList();
                return dns.Select(d => d.GetString("dns.question.name")).Distinct().Count() == 2;
            }, Bound, "both DNS queries as relay documents", () => $"{(File.Exists(dnsLog) ? File.ReadAllText(dnsLog) : "(no log)")}\n{Diagnostics()}");

            // Upload to one name's address, download from the other's.
            byte[] up = new byte[UploadBytes], down = new byte[DownloadBytes];
            Random.Shared.NextBytes(up);
            Random.Shared.NextBytes(down);
            string downFile = dir.Combine("down.bin"), received = dir.Combine("received.bin");
            await File.WriteAllBytesAsync(downFile, down);
            var sink = internet.Start("socat", "-u", $"TCP4-LISTEN:{UploadPort},bind={UploadIp},reuseaddr", "OPEN:/dev/null,wronly");
            var source = internet.Start("socat", "-u", $"OPEN:{downFile},rdonly", $"TCP4-LISTEN:{DownloadPort},bind={DownloadIp},reuseaddr");
            await Wait.UntilAsync(async () =>
            {
                var ss = await internet.RunAsync(TimeSpan.FromSeconds(5), "ss", "-tlnH");
                return ss.StandardOutput.Contains($"{UploadIp}:{UploadPort} ", StringComparison.Ordinal)
                    && ss.StandardOutput.Contains($"{DownloadIp}:{DownloadPort} ", StringComparison.Ordinal);
            }, Bound, "the TCP listeners");
            await ChildProcess.RunAsync(Bound, "ip", ["netns", "exec", client.Name, "socat", "-u", "-", $"TCP4:{UploadIp}:{UploadPort}"], up);
            await client.RunAsync(Bound, "socat", "-u", $"TCP4:{DownloadIp}:{DownloadPort}", $"OPEN:{received},creat,wronly");
            Assert.Equal(DownloadBytes, new FileInfo(received).Length);
            Assert.True(await sink.WaitForExitAsync(Bound), "the upload sink did not finish");
            Assert.True(await source.WaitForExitAsync(Bound), "the download source did not finish");

            // A marker datagram on disk means everything before it is too.
            await Wait.UntilAsync(async () =>
            {
                await using (var marker = client.StartWithInput("marker"u8.ToArray(), "socat", "-u", "-", $"UDP4-SENDTO:{DnsIp}:{MarkerPort}"))
                    await marker.WaitForExitAsync(TimeSpan.FromSeconds(5));
                if (!File.Exists(traffic)) return false;
                var read = await ChildProcess.RunAsync(Bound, "tshark", ["-n", "-r", traffic, "-Y", $"udp.dstport == {MarkerPort}"], check: false);
                return read.StandardOutput.Trim().Length > 0;
            }, Bound, "the capture marker on disk");
            Assert.True(await dumpcap.StopAsync(ChildProcess.SIGINT, Bound), "dumpcap did not stop");

            await Softflowd.RunAsync(client, traffic, 10, $"127.0.0.1:{RelayPort}", dir.Path);

            bool IsFlow(JsonElement d, string ip, int port) =>
                d.GetString("event.dataset") == "flowrelay.flow"
                && ((d.GetString("source.ip") == ip && d.GetLong("source.port") == port) || (d.GetString("destination.ip") == ip && d.GetLong("destination.port") == port));
            List<JsonElement> flows = [];
            await Wait.UntilAsync(() =>
            {
                if (relay.HasExited) throw new InvalidOperationException($"the relay exited ({relay.ExitCode})\n{Diagnostics()}");
                flows = RelayDocuments.Read(events).Where(d => d.GetString("event.dataset") == "flowrelay.flow").ToList();
                // Both directions of both conversations (softflowd exports one record per direction).
                return flows.Count(d => IsFlow(d, UploadIp, UploadPort)) >= 2 && flows.Count(d => IsFlow(d, DownloadIp, DownloadPort)) >= 2;
            }, Bound, "the upload and download flow records", () => $"flows so far: {flows.Count}\n{Diagnostics()}");
            foreach (var f in flows)
                output.WriteLine(f.GetRawText());

            AssertConversation(flows.Where(d => IsFlow(d, UploadIp, UploadPort)).ToList(), UploadIp, UploadPort, UploadName,
                upload => Assert.True(upload >= UploadBytes, $"flowrelay.upload.bytes {upload} < {UploadBytes} uploaded"), "upload");
            AssertConversation(flows.Where(d => IsFlow(d, DownloadIp, DownloadPort)).ToList(), DownloadIp, DownloadPort, DownloadName,
                download => Assert.True(download >= DownloadBytes, $"flowrelay.download.bytes {download} < {DownloadBytes} downloaded"), "download");
        }
        finally
        {
            if (vethCreated) await ChildProcess.RunAsync(TimeSpan.FromSeconds(10), "ip", ["link", "del", vethC], check: false);
        }
    }

    /// <summary>Every record of one conversation, either direction, from the internal client's view.</summary>
    private static void AssertConversation(List<JsonElement> records, string serverIp, int serverPort, string name, Action<long> volume, string field)
    {
        long total = 0;
        foreach (var d in records)
        {
            bool outgoing = d.GetString("source.ip") == ClientIp;
            // Direction is per record, from its source and destination zones (as Elastic's netflow
            // integration computes it): the client's records are outbound, the server's replies inbound.
            Assert.Equal(outgoing ? "outbound" : "inbound", d.GetString("network.direction"));
            Assert.Equal(ClientIp, d.GetString("client.ip"));
            Assert.Equal(serverIp, d.GetString("server.ip"));
            Assert.Equal(serverPort, d.GetLong("server.port"));
            Assert.Contains("internal", Zones(d, outgoing ? "flowrelay.source.zone" : "flowrelay.destination.zone"));
            Assert.DoesNotContain("internal", Zones(d, outgoing ? "flowrelay.destination.zone" : "flowrelay.source.zone"));
            Assert.Equal(name, d.GetString(outgoing ? "destination.domain" : "source.domain"));
            total += d.GetLong($"flowrelay.{field}.bytes") ?? 0;
        }
        Assert.Contains(records, d => d.GetString("source.ip") == ClientIp);
        volume(total);
    }

    private static List<string> Zones(JsonElement d, string path) =>
        d.Get(path) is { ValueKind: JsonValueKind.Array } a ? a.EnumerateArray().Select(z => z.GetString()!).ToList()
        : d.GetString(path) is { } s ? [s] : [];

    private static async Task<string> DigAsync(NetworkNamespace ns, string name)
    {
        var dig = await ChildProcess.RunAsync(TimeSpan.FromSeconds(10), "ip", ["netns", "exec", ns.Name, "dig", $"@{DnsIp}", "+time=2", "+tries=1", "+short", name, "A"], check: false);
        return dig.StandardOutput.Trim();
    }

    private static Task Ip(params string[] args) => ChildProcess.RunAsync(TimeSpan.FromSeconds(10), "ip", args);

    private static string Tail(string s) => s.Length <= 4000 ? s : s[^4000..];
}
