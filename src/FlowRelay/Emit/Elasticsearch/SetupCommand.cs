using System.CommandLine;
using FlowRelay.Cli;
using FlowRelay.Config;

namespace FlowRelay.Emit.Elasticsearch;

/// <summary><c>flowrelay setup elasticsearch [--config FILE] [--print]</c>: installs (or prints) the lifecycle policy and templates.</summary>
public static class SetupCommand
{
    public static Command Build(TextWriter output, TextWriter error)
    {
        var config = new Option<FileInfo?>("--config", "-c")
        {
            Description = "YAML configuration file; outputs.elasticsearch says where the cluster is and how to log in.",
        };
        var print = new Option<bool>("--print") { Description = "Print the requests (path and JSON body) instead of sending them; needs no cluster." };
        var elasticsearch = new Command("elasticsearch", "Install the ILM policy, component templates and one index template per data stream, with explicit ECS mappings of every field the relay writes.")
        {
            config, print,
        };
        elasticsearch.SetAction((parse, ct) => RunAsync(parse.GetValue(config), parse.GetValue(print), output, error, ct));
        return new Command("setup", "Prepare a destination for the relay's events.") { elasticsearch };
    }

    internal static async Task<int> RunAsync(FileInfo? file, bool print, TextWriter output, TextWriter error, CancellationToken ct)
    {
        var result = ConfigLoader.Load(file?.FullName is null ? null : file.ToString());
        if (!result.IsValid)
        {
            error.WriteLine($"flowrelay: configuration {result.Source} is invalid ({result.Errors.Count} errors):");
            foreach (var e in result.Errors) error.WriteLine("  " + e);
            return ExitCodes.BadConfig;
        }
        var es = result.Settings!.Outputs.Elasticsearch;
        if (print)
        {
            foreach (var (path, body) in IndexTemplates.Requests(EcsFieldTypes.Load(), es.Retention.Value))
            {
                output.WriteLine("PUT " + path);
                output.WriteLine(body);
            }
            return ExitCodes.Ok;
        }
        if (es.Urls.Count == 0)
        {
            error.WriteLine("flowrelay: setting 'outputs.elasticsearch.urls' is empty: say where the cluster is (or use --print)");
            return ExitCodes.BadConfig;
        }
        try
        {
            var client = ElasticsearchConnection.CreateClient(es);
            var failures = await ElasticsearchSetup.InstallAsync(client, es.Retention.Value, output.WriteLine, ct).ConfigureAwait(false);
            if (failures.Count > 0)
            {
                error.WriteLine($"flowrelay: {failures.Count} requests failed");
                return ExitCodes.Failed;
            }
            output.WriteLine($"installed: policy {IndexTemplates.PolicyName}, templates for {string.Join(", ", DataStreams.Datasets.Select(d => DataStreams.Pattern(d)))}");
            return ExitCodes.Ok;
        }
        catch (InvalidOperationException e)
        {
            error.WriteLine("flowrelay: " + e.Message);
            return ExitCodes.BadConfig;
        }
    }
}
