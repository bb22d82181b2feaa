using System.Text.Json;
using FlowRelay.IntegrationTests.Infrastructure;

namespace FlowRelay.IntegrationTests.Dns;

/// <summary>The built relay run with DNS log inputs (syslog listeners, tailed files) inside a namespace.</summary>
internal sealed class DnsRelay : IAsyncDisposable
{
    private readonly ChildProcess _process;

    private DnsRelay(ChildProcess process, string dataDir, string eventsDir)
    {
        _process = process;
        DataDir = dataDir;
        EventsDir = eventsDir;
    }

    public string DataDir { get; }
    public string EventsDir { get; }
    public ChildProcess Process => _process;

    /// <summary>
    /// Starts the relay with the given <c>inputs:</c> YAML (syslog and files) and waits until it runs.
    /// With <paramref name="rules"/> the bundled rules (copied beside the relay) run and write alerts-*.ndjson.
    /// </summary>
    public static async Task<DnsRelay> StartAsync(NetworkNamespace ns, string workDir, string inputsYaml, bool rules = false)
    {
        string dataDir = Path.Combine(workDir, "data");
        string events = Path.Combine(workDir, "events");
        Directory.CreateDirectory(workDir);
        string config = Path.Combine(workDir, "flowrelay.yaml");
        await File.WriteAllTextAsync(config, $"""
            data_dir: {dataDir}
            stats_interval: 1s
            log_level: info
            inputs:
              flow:
                enabled: false
            {inputsYaml}
            outputs:
              ndjson:
                path: {events}
                flush_interval: 100ms
            rules:
              enabled: {(rules ? "true" : "false")}
            """);
        string stats = Path.Combine(dataDir, "stats.json");
        if (File.Exists(stats)) File.Delete(stats);
        string dotnet = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host : "dotnet";
        var process = ns.Start(dotnet, RelayProcess.RelayDll, "run", "--config", config);
        var relay = new DnsRelay(process, dataDir, events);
        try
        {
            await Wait.UntilAsync(() =>
            {
                if (process.HasExited) throw new InvalidOperationException($"the relay exited with {process.ExitCode}:\n{process.StandardOutput}\n{process.StandardError}");
                return File.Exists(stats);
            }, TimeSpan.FromSeconds(30), "the relay's stats.json", relay.Diagnostics);
        }
        catch
        {
            await relay.DisposeAsync();
            throw;
        }
        return relay;
    }

    /// <summary>The DNS documents written so far (dns-*.ndjson, finished and partial).</summary>
    public List<JsonElement> DnsDocuments() => Read("dns-");

    /// <summary>The alert and threat-index documents written so far (alerts-*.ndjson).</summary>
    public List<JsonElement> AlertDocuments() => Read("alerts-");

    /// <summary>The CEF documents written so far.</summary>
    public List<JsonElement> CefDocuments() => Read("cef-");

    private List<JsonElement> Read(string prefix)
    {
        var docs = new List<JsonElement>();
        if (!Directory.Exists(EventsDir)) return docs;
        foreach (var file in Directory.GetFiles(EventsDir, prefix + "*").Order(StringComparer.Ordinal))
        {
            string text;
            try
            {
                using var s = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
                text = new StreamReader(s).ReadToEnd();
            }
            catch (FileNotFoundException)
            {
                continue;
            }
            int end = text.LastIndexOf('\n');
            if (end < 0) continue;
            foreach (var line in text[..end].Split('\n'))
                if (line.Length > 0) docs.Add(JsonDocument.Parse(line).RootElement.Clone());
        }
        return docs;
    }

    public string Diagnostics()
    {
        string output = _process.StandardOutput + _process.StandardError;
        return "relay output:\n" + (output.Length <= 6000 ? output : output[^6000..]);
    }

    public async Task StopAsync()
    {
        if (!await _process.StopAsync(ChildProcess.SIGTERM, TimeSpan.FromSeconds(20)))
            throw new TimeoutException("the relay did not stop within 20 s of SIGTERM\n" + Diagnostics());
    }

    public ValueTask DisposeAsync() => _process.DisposeAsync();
}
