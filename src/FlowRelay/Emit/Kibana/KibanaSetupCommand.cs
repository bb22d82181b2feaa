using System.CommandLine;
using FlowRelay.Cli;
using FlowRelay.Config;

namespace FlowRelay.Emit.Kibana;

/// <summary>
/// <c>flowrelay setup kibana [--config FILE] [--dashboards DIR]</c>: imports every
/// <c>dashboards/*.ndjson</c> (data views, Lens visualisations, dashboards) into Kibana with
/// overwrite, into <c>outputs.kibana.space</c>, and reports each object Kibana refused.
/// </summary>
public static class KibanaSetupCommand
{
    /// <summary>The folder of the bundled saved objects, copied beside the executable at build.</summary>
    public static string DefaultDashboardsPath => Path.Combine(AppContext.BaseDirectory, "dashboards");

    public static Command Build(TextWriter output, TextWriter error)
    {
        var config = new Option<FileInfo?>("--config", "-c")
        {
            Description = "YAML configuration file; outputs.kibana says where Kibana is, which space, and how to log in.",
        };
        var dashboards = new Option<DirectoryInfo?>("--dashboards", "-d")
        {
            Description = "Folder of the saved-object NDJSON files (default: the dashboards/ folder next to the executable).",
        };
        var kibana = new Command("kibana", "Import the FlowRelay data views and dashboards into Kibana (saved objects import API, overwriting earlier versions); exit 1 if any object fails.")
        {
            config, dashboards,
        };
        kibana.SetAction((parse, ct) => RunAsync(parse.GetValue(config), parse.GetValue(dashboards), output, error, ct));
        return kibana;
    }

    internal static async Task<int> RunAsync(FileInfo? file, DirectoryInfo? dashboards, TextWriter output, TextWriter error, CancellationToken ct)
    {
        var result = ConfigLoader.Load(file?.FullName is null ? null : file.ToString());
        if (!result.IsValid)
        {
            error.WriteLine($"flowrelay: configuration {result.Source} is invalid ({result.Errors.Count} error{(result.Errors.Count == 1 ? "" : "s")}):");
            foreach (var e in result.Errors) error.WriteLine("  " + e);
            return ExitCodes.BadConfig;
        }
        var settings = result.Settings!.Outputs;
        var kibana = settings.Kibana;
        if (kibana.Url.Length == 0)
        {
            error.WriteLine("flowrelay: setting 'outputs.kibana.url' is empty: say where Kibana is");
            return ExitCodes.BadConfig;
        }
        string folder = dashboards?.FullName ?? DefaultDashboardsPath;
        string[] files = Directory.Exists(folder) ? Directory.GetFiles(folder, "*.ndjson").Order(StringComparer.Ordinal).ToArray() : [];
        if (files.Length == 0)
        {
            error.WriteLine($"flowrelay: no saved-object files (*.ndjson) in {folder} (give the folder with --dashboards)");
            return ExitCodes.Failed;
        }
        HttpClient client;
        try
        {
            client = KibanaConnection.CreateClient(kibana, settings.Elasticsearch);
        }
        catch (Exception e) when (e is InvalidOperationException or IOException or System.Security.Cryptography.CryptographicException)
        {
            error.WriteLine("flowrelay: " + e.Message);
            return ExitCodes.BadConfig;
        }
        using (client)
        {
            string where = kibana.Space.Length == 0 ? "the default space" : $"space '{kibana.Space}'";
            int failed = 0;
            foreach (string path in files)
            {
                var import = await SavedObjectsImport.ImportAsync(client, kibana.Space, path, ct).ConfigureAwait(false);
                string name = Path.GetFileName(path);
                if (import.RequestError is { } why)
                {
                    error.WriteLine($"flowrelay: {name}: import into {where} FAILED: {why}");
                    failed++;
                    continue;
                }
                if (!import.Success)
                {
                    error.WriteLine($"flowrelay: {name}: {import.Errors.Count} object{(import.Errors.Count == 1 ? "" : "s")} FAILED to import into {where} ({import.SuccessCount} imported):");
                    foreach (var e in import.Errors) error.WriteLine("  " + e);
                    failed++;
                    continue;
                }
                output.WriteLine($"{name}: {import.SuccessCount} saved objects imported into {where}");
            }
            return failed == 0 ? ExitCodes.Ok : ExitCodes.Failed;
        }
    }
}
