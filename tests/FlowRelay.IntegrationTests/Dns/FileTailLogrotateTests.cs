using System.Text.Json;
using FlowRelay.IntegrationTests.Infrastructure;
using Xunit;
using Xunit.Abstractions;

namespace FlowRelay.IntegrationTests.Dns;

/// <summary>
/// Issue 3, "How we will know it works" 3 (files): Unbound writes its query log to a file the
/// relay tails; real logrotate rotates it with copytruncate and then by rename (create, Unbound
/// reopening its log on SIGHUP), and the relay is restarted while Unbound keeps logging. Every
/// query dig makes must come out exactly once.
/// </summary>
public sealed class FileTailLogrotateTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Queries_survive_copytruncate_rename_rotation_and_a_relay_restart_exactly_once()
    {
        using var dir = new TempDirectory("dns-logrotate");
        await using var ns = await NetworkNamespace.CreateAsync();
        string unboundDir = dir.Combine("unbound");
        Directory.CreateDirectory(unboundDir);
        string log = Path.Combine(unboundDir, "unbound.log");
        string inputs = $"""
              files:
                poll_interval: 100ms
                sources:
                  - {"{"} path: {log}, format: unbound {"}"}
            """;
        var relay = await DnsRelay.StartAsync(ns, dir.Combine("relay"), inputs);
        try
        {
            await DnsServers.StartUnboundAsync(ns, unboundDir);
            var asked = new List<string>();
            int n = 0;
            async Task BatchAsync(int count)
            {
                for (int i = 0; i < count; i++)
                {
                    string name = $"r{n++}.lab.test";
                    Assert.Equal("NXDOMAIN", await DnsServers.DigAsync(ns, DnsServers.UnboundPort, name, "A"));
                    asked.Add(name);
                }
            }
            async Task WaitAllAsync()
            {
                List<string> got = [];
                await Wait.UntilAsync(() =>
                {
                    got = Names(relay.DnsDocuments());
                    return got.Count >= asked.Count;
                }, Bound, $"{asked.Count} documents", () => $"got [{string.Join(", ", got)}]\n{File.ReadAllText(log)}\n{relay.Diagnostics()}");
            }

            await BatchAsync(5);
            await WaitAllAsync();

            await Logrotate(ns, dir, log, "copytruncate");
            await BatchAsync(5);
            await WaitAllAsync();

            string pid = File.ReadAllText(Path.Combine(unboundDir, "unbound.pid")).Trim();
            await Logrotate(ns, dir, log, $"create\n  postrotate\n    kill -HUP {pid}\n  endscript");
            await Wait.UntilAsync(() => File.Exists(log), Bound, "unbound to reopen its log");
            await BatchAsync(5);
            await WaitAllAsync();

            // Restart: queries made while the relay is down are read when it is back, none twice.
            await relay.StopAsync();
            await relay.DisposeAsync();
            await BatchAsync(5);
            relay = await DnsRelay.StartAsync(ns, dir.Combine("relay"), inputs);
            await BatchAsync(3);
            await WaitAllAsync();
            await Task.Delay(1000); // duplicates, if any, would arrive now

            var names = Names(relay.DnsDocuments());
            output.WriteLine(string.Join(", ", names));
            Assert.Equal(asked.Order(StringComparer.Ordinal), names.Order(StringComparer.Ordinal));
        }
        finally
        {
            await relay.StopAsync();
            await relay.DisposeAsync();
        }
    }

    private static List<string> Names(List<JsonElement> docs) =>
        docs.Select(d => d.GetString("dns.question.name")!).Where(n => n.StartsWith('r') && n.EndsWith(".lab.test", StringComparison.Ordinal)).ToList();

    private static async Task Logrotate(NetworkNamespace ns, TempDirectory dir, string log, string directives)
    {
        string conf = dir.Combine("logrotate.conf");
        await File.WriteAllTextAsync(conf, $"{log} {{\n  rotate 5\n  missingok\n  {directives}\n}}\n");
        var run = await DnsServers.RunAsync(ns, TimeSpan.FromSeconds(30), "logrotate", "-f", "-s", dir.Combine("logrotate.state"), conf);
        if (run.ExitCode != 0) throw new InvalidOperationException($"logrotate failed ({run.ExitCode}):\n{run.StandardOutput}\n{run.StandardError}");
    }
}
