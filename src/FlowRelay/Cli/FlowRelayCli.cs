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

    internal static async Task<int> RunAsync(FileInfo? file, TextWriter error, CancellationToken cancellationToken)
    {
        var result = ConfigLoader.Load(file?.FullName is null ? null : file.ToString());
        if (!result.IsValid)
        {
            PrintErrors(result, error);
            return ExitCodes.BadConfig;
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
