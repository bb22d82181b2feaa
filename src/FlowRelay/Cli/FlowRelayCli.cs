using System.CommandLine;
using FlowRelay.Config;
using FlowRelay.Hosting;
using FlowRelay.Ingest;
using Microsoft.Extensions.Hosting;

namespace FlowRelay.Cli;

/// <summary>
/// The <c>flowrelay</c> command line: <c>run</c> (the service), <c>validate</c> (check the config
/// and print the effective settings), <c>--version</c>.
/// </summary>
public static class FlowRelayCli
{
    /// <summary>Parses <paramref name="args"/> and runs the chosen command; returns the exit code.</summary>
    public static Task<int> InvokeAsync(string[] args, TextWriter? output = null, TextWriter? error = null, CancellationToken cancellationToken = default)
    {
        output ??= Console.Out;
        error ??= Console.Error;
        var root = BuildRootCommand(output, error);
        var config = new InvocationConfiguration
        {
            Output = output,
            Error = error,
            // The host's console lifetime handles Ctrl+C/SIGTERM and shuts down gracefully; the
            // parser's own handler would race it and cut the drain short.
            ProcessTerminationTimeout = null,
        };
        return root.Parse(args).InvokeAsync(config, cancellationToken);
    }

    /// <summary>The command tree.</summary>
    public static RootCommand BuildRootCommand(TextWriter output, TextWriter error)
    {
        var root = new RootCommand("FlowRelay: receives NetFlow v5/v9 and IPFIX, writes ECS flow events.");

        var runConfig = ConfigOption();
        var run = new Command("run", "Run the relay (with no --config: UDP 2055 and 4739 on all addresses, NDJSON under ./data/events).") { runConfig };
        run.SetAction((parse, ct) => RunAsync(parse.GetValue(runConfig), error, ct));
        root.Add(run);

        var validateConfig = ConfigOption();
        var validate = new Command("validate", "Check the configuration, print the effective settings, and exit (0 valid, 1 invalid).") { validateConfig };
        validate.SetAction(parse => Validate(parse.GetValue(validateConfig), output, error));
        root.Add(validate);

        var setup = FlowRelay.Emit.Elasticsearch.SetupCommand.Build(output, error);
        setup.Add(FlowRelay.Emit.Kibana.KibanaSetupCommand.Build(output, error));
        root.Add(setup);

        var rulesDir = new Option<DirectoryInfo?>("--rules", "-r") { Description = "Rules folder (default: the rules/ folder next to the executable)." };
        var rulesValidate = new Command("validate", "Load every Sigma rule, filter and list in the folder offline; print each error as file:line:column: reason (exit 0 valid, 1 invalid).") { rulesDir };
        rulesValidate.SetAction(parse => ValidateRules(parse.GetValue(rulesDir), output, error));
        var testRules = new Option<DirectoryInfo?>("--rules", "-r") { Description = "Rules folder (default: the rules/ folder next to the executable)." };
        var testEvents = new Option<FileInfo>("--events", "-e") { Description = "ECS flow and DNS events, one JSON document per line (e.g. a flows-*.ndjson or dns-*.ndjson file).", Required = true };
        var testJson = new Option<bool>("--json") { Description = "Print each alert as its ECS JSON document instead of one line." };
        var rulesTest = new Command("test", "Replay saved flow and DNS events through the rules in event-time order of the file and print the alerts (exit 0 when replayed, 1 when the rules or the file cannot be read).") { testRules, testEvents, testJson };
        rulesTest.SetAction(parse => TestRules(parse.GetValue(testRules), parse.GetValue(testEvents)!, parse.GetValue(testJson), output, error));
        root.Add(new Command("rules", "Work with the Sigma rules.") { rulesValidate, rulesTest });
        root.Add(RiskCommand.Build(output, error));
        return root;
    }

    private static Option<FileInfo?> ConfigOption() => new("--config", "-c")
    {
        Description = "YAML configuration file (default: built-in defaults). FLOWRELAY_<PATH> environment variables override it.",
    };

    internal static int Validate(FileInfo? file, TextWriter output, TextWriter error)
    {
        var result = ConfigLoader.Load(file?.FullName is null ? null : file.ToString());
        if (!result.IsValid)
        {
            PrintErrors(result, error);
            return ExitCodes.Failed;
        }
        output.WriteLine($"# configuration OK ({result.Source}); effective settings:");
        output.Write(SettingsPrinter.ToYaml(result.Settings!));
        return ExitCodes.Ok;
    }

    internal static int ValidateRules(DirectoryInfo? dir, TextWriter output, TextWriter error)
    {
        string path = dir?.FullName ?? new RulesSettings().ResolvePath();
        var result = FlowRelay.Engine.Rules.Loading.RuleLoader.LoadDirectory(path);
        if (!result.IsValid)
        {
            error.WriteLine($"flowrelay: rules in {path} are invalid ({result.Errors.Count} error{(result.Errors.Count == 1 ? "" : "s")}):");
            foreach (var e in result.Errors) error.WriteLine("  " + e);
            return ExitCodes.Failed;
        }
        var set = result.RuleSet!;
        output.WriteLine($"# rules OK ({path}): {set.Detections.Count} detection, {set.Correlations.Count} correlation, {set.FilterCount} filter rules");
        foreach (var d in set.Detections) output.WriteLine($"detection   {d.Info.Id}  {d.Info.Title}{(d.Filters.Count > 0 ? $" (filters: {string.Join(", ", d.Filters)})" : "")}");
        foreach (var c in set.Correlations) output.WriteLine($"correlation {c.Info.Id}  {c.Info.Title} ({c.Type}, {c.Timespan}, {c.Condition})");
        return ExitCodes.Ok;
    }

    internal static int TestRules(DirectoryInfo? dir, FileInfo events, bool json, TextWriter output, TextWriter error)
    {
        string path = dir?.FullName ?? new RulesSettings().ResolvePath();
        var result = FlowRelay.Engine.Rules.Loading.RuleLoader.LoadDirectory(path);
        if (!result.IsValid)
        {
            error.WriteLine($"flowrelay: rules in {path} are invalid ({result.Errors.Count} error{(result.Errors.Count == 1 ? "" : "s")}):");
            foreach (var e in result.Errors) error.WriteLine("  " + e);
            return ExitCodes.Failed;
        }
        if (!events.Exists)
        {
            error.WriteLine($"flowrelay: {events.FullName} not found");
            return ExitCodes.Failed;
        }
        var sink = new ConsoleAlertSink(output, json);
        var engine = new FlowRelay.Engine.Rules.RuleEngine(result.RuleSet!, new FlowRelay.Engine.Rules.RuleEngineOptions(),
            new FlowRelay.Engine.Risk.ThreatIndex(new FlowRelay.Engine.Risk.ThreatIndexOptions()), [sink]);
        var networks = new FlowRelay.Engine.Enrich.NetworkEnricher([]);
        // DNS documents are split with the Public Suffix List again, as the relay does on arrival.
        var pslPath = new InputsSettings().PublicSuffixList;
        var suffixes = File.Exists(pslPath) ? FlowRelay.Engine.Dns.PublicSuffixList.Load(pslPath) : null;
        var flows = new List<FlowRelay.Engine.Events.FlowEvent>(1024);
        var queries = new List<FlowRelay.Engine.Events.DnsEvent>(1024);
        // File order is kept across the two kinds: a batch of one kind runs before the other kind starts.
        void RunFlows()
        {
            engine.Evaluate(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(flows));
            flows.Clear();
        }
        void RunQueries()
        {
            engine.Evaluate(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(queries));
            queries.Clear();
        }
        long lines = 0, read = 0, bad = 0, dns = 0;
        foreach (var line in File.ReadLines(events.FullName))
        {
            lines++;
            if (string.IsNullOrWhiteSpace(line)) continue;
            string? why;
            System.Text.Json.JsonDocument doc;
            try
            {
                doc = System.Text.Json.JsonDocument.Parse(line);
            }
            catch (System.Text.Json.JsonException ex)
            {
                if (++bad <= 10) error.WriteLine($"{events.Name}:{lines}: skipped: not JSON: {ex.Message}");
                continue;
            }
            using (doc)
            {
                var root = doc.RootElement;
                if (root.ValueKind == System.Text.Json.JsonValueKind.Object && FlowRelay.Engine.Rules.Replay.DnsDocumentReader.IsDns(root))
                {
                    if (!FlowRelay.Engine.Rules.Replay.DnsDocumentReader.TryRead(root, suffixes, out var q, out why))
                    {
                        if (++bad <= 10) error.WriteLine($"{events.Name}:{lines}: skipped: {why}");
                        continue;
                    }
                    if (flows.Count > 0) RunFlows();
                    queries.Add(q);
                    read++;
                    dns++;
                    if (queries.Count == 1024) RunQueries();
                    continue;
                }
                if (!FlowRelay.Engine.Rules.Replay.FlowDocumentReader.TryRead(root, out var e, out why))
                {
                    if (++bad <= 10) error.WriteLine($"{events.Name}:{lines}: skipped: {why}");
                    continue;
                }
                read++;
                // Documents without the enrichment fields (ECS flows from elsewhere) get what the
                // relay's network enricher would have set, with the default internal ranges.
                if (e.Direction == FlowRelay.Engine.Events.NetworkDirection.None) networks.Enrich(System.Runtime.InteropServices.MemoryMarshal.CreateSpan(ref e, 1));
                if (queries.Count > 0) RunQueries();
                flows.Add(e);
                if (flows.Count == 1024) RunFlows();
            }
        }
        RunFlows();
        RunQueries();
        if (dns > 0 && suffixes is null) error.WriteLine($"# warning: {pslPath} not found: DNS names were not split (registered_domain, subdomain are absent)");
        error.WriteLine($"# {read} events replayed ({bad} skipped), {engine.Alerts} alerts");
        return ExitCodes.Ok;
    }

    internal static async Task<int> RunAsync(FileInfo? file, TextWriter error, CancellationToken cancellationToken)
    {
        var result = ConfigLoader.Load(file?.FullName is null ? null : file.ToString());
        if (!result.IsValid)
        {
            PrintErrors(result, error);
            return ExitCodes.BadConfig;
        }
        if (result.Settings!.Rules.Enabled)
        {
            // A rules folder that does not load stops the start with every error, like a bad setting.
            string rulesPath = result.Settings.Rules.ResolvePath();
            var rules = FlowRelay.Engine.Rules.Loading.RuleLoader.LoadDirectory(rulesPath);
            if (!rules.IsValid)
            {
                error.WriteLine($"flowrelay: rules in {rulesPath} are invalid ({rules.Errors.Count} error{(rules.Errors.Count == 1 ? "" : "s")}):");
                foreach (var e in rules.Errors) error.WriteLine("  " + e);
                return ExitCodes.BadConfig;
            }
        }
        IHost host;
        try
        {
            Directory.CreateDirectory(result.Settings!.DataDir);
            host = RelayHost.Build(result.Settings);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            error.WriteLine($"flowrelay: cannot start: {e.Message}");
            return ExitCodes.Failed;
        }
        // The kernel's socket buffer (net.core.rmem_max, 4 MiB on many systems) holds about a tenth of
        // a second at a million records/s. A blocking, compacting generation-2 collection of a few
        // hundred MB of rule state pauses every thread for longer, and the kernel drops what arrives
        // meanwhile: the 30-minute soak at 650,000 records/s lost 1,564 datagrams at minute 11, when
        // the resident size fell 388 -> 332 MB at once. SustainedLowLatency keeps generation-2
        // collections in the background; the GC still blocks when memory runs short. The next soak
        // with it still lost once, in minute 7; what ended the losses was window entries in slab
        // chunks and the receive loop on its own thread (docs/performance.md, "Soak").
        System.Runtime.GCSettings.LatencyMode = System.Runtime.GCLatencyMode.SustainedLowLatency;
        using (host)
        {
            try
            {
                await host.RunAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (ListenerBindException e)
            {
                error.WriteLine($"flowrelay: cannot start: {e.Message}");
                return ExitCodes.Failed;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                error.WriteLine($"flowrelay: cannot start: {e.Message}");
                return ExitCodes.Failed;
            }
        }
        return ExitCodes.Ok;
    }

    private static void PrintErrors(ConfigLoadResult result, TextWriter error)
    {
        error.WriteLine($"flowrelay: configuration {result.Source} is invalid ({result.Errors.Count} error{(result.Errors.Count == 1 ? "" : "s")}):");
        foreach (var e in result.Errors) error.WriteLine("  " + e);
    }
}
