using System.Text.Json;

namespace FlowRelay.IntegrationTests.Infrastructure;

/// <summary>
/// The built relay (<c>flowrelay.dll</c>, copied next to the test assembly by the project
/// reference) run as a child process with <c>run --config</c>, optionally inside a namespace.
/// </summary>
public sealed class RelayProcess : IAsyncDisposable
{
    private readonly ChildProcess _process;

    private RelayProcess(ChildProcess process, string dataDir, string ndjsonDir)
    {
        _process = process;
        DataDir = dataDir;
        NdjsonDir = ndjsonDir;
    }

    public string DataDir { get; }

    public string NdjsonDir { get; }

    public string StatsPath => Path.Combine(DataDir, "stats.json");

    public ChildProcess Process => _process;

    public static string RelayDll
    {
        get
        {
            var path = Path.Combine(AppContext.BaseDirectory, "flowrelay.dll");
            if (!File.Exists(path)) throw new FileNotFoundException("the relay was not built next to the tests", path);
            return path;
        }
    }

    /// <summary>Writes the config and starts the relay; returns once it is running (stats file written).</summary>
    public static async Task<RelayProcess> StartAsync(string workDir, string listen, NetworkNamespace? ns = null, string? ndjsonDir = null)
    {
        string dataDir = Path.Combine(workDir, "data");
        ndjsonDir ??= Path.Combine(workDir, "events");
        Directory.CreateDirectory(workDir);
        string config = Path.Combine(workDir, $"flowrelay-{Guid.NewGuid():N}.yaml");
        await File.WriteAllTextAsync(config, $"""
            data_dir: {dataDir}
            stats_interval: 1s
            log_level: info
            inputs:
              flow:
                listen: ["{listen}"]
            outputs:
              ndjson:
                path: {ndjsonDir}
                flush_interval: 100ms
            """);
        // A stale stats file from an earlier run must not count as "running".
        if (File.Exists(Path.Combine(dataDir, "stats.json"))) File.Delete(Path.Combine(dataDir, "stats.json"));
        string dotnet = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host : "dotnet";
        string[] args = [dotnet, RelayDll, "run", "--config", config];
        var process = ns is null ? ChildProcess.Start(args[0], args[1..]) : ns.Start(args[0], args[1..]);
        var relay = new RelayProcess(process, dataDir, ndjsonDir);
        try
        {
            await Wait.UntilAsync(() =>
            {
                if (process.HasExited)
                    throw new InvalidOperationException($"the relay exited with {process.ExitCode} during start-up:\n{process.StandardOutput}\n{process.StandardError}");
                return File.Exists(relay.StatsPath);
            }, TimeSpan.FromSeconds(30), "the relay's stats.json", relay.Diagnostics);
        }
        catch
        {
            await relay.DisposeAsync();
            throw;
        }
        return relay;
    }

    /// <summary>The stats file as last written, or null while it is being replaced.</summary>
    public JsonDocument? ReadStats()
    {
        try
        {
            return JsonDocument.Parse(File.ReadAllBytes(StatsPath));
        }
        catch (Exception e) when (e is IOException or JsonException)
        {
            return null;
        }
    }

    public long StatsNumber(params string[] path)
    {
        using var stats = ReadStats();
        if (stats is null) return -1;
        var e = stats.RootElement;
        foreach (var p in path)
            if (!e.TryGetProperty(p, out e)) return -1;
        return e.GetInt64();
    }

    /// <summary>The port of the first listener as the relay reports it (for listen addresses with port 0).</summary>
    public int BoundPort()
    {
        using var stats = ReadStats() ?? throw new InvalidOperationException("no stats.json");
        var address = stats.RootElement.GetProperty("ingest").GetProperty("listeners")[0].GetProperty("address").GetString()!;
        return int.Parse(address[(address.LastIndexOf(':') + 1)..]);
    }

    public List<JsonElement> Documents() => RelayDocuments.Read(NdjsonDir);

    public async Task<List<JsonElement>> WaitForDocumentsAsync(int count, TimeSpan timeout)
    {
        List<JsonElement> docs = [];
        await Wait.UntilAsync(() =>
        {
            if (_process.HasExited) throw new InvalidOperationException($"the relay exited with {_process.ExitCode}:\n{Diagnostics()}");
            docs = Documents();
            return docs.Count >= count;
        }, timeout, $"{count} relay documents", () => $"documents so far: {docs.Count}\n{Diagnostics()}");
        return docs;
    }

    public string Diagnostics()
    {
        string stats = File.Exists(StatsPath) ? File.ReadAllText(StatsPath) : "(no stats.json)";
        return $"relay stats:\n{stats}\nrelay output:\n{Tail(_process.StandardOutput)}\n{Tail(_process.StandardError)}";
    }

    private static string Tail(string s) => s.Length <= 4000 ? s : s[^4000..];

    /// <summary>Graceful stop (SIGTERM): the relay flushes its files and saves its templates.</summary>
    public async Task StopAsync()
    {
        if (!await _process.StopAsync(ChildProcess.SIGTERM, TimeSpan.FromSeconds(20)))
            throw new TimeoutException("the relay did not stop within 20 s of SIGTERM\n" + Diagnostics());
    }

    public ValueTask DisposeAsync() => _process.DisposeAsync();
}
