using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using FlowRelay.Config;
using FlowRelay.Engine.Alerts;
using FlowRelay.Engine.Risk;

namespace FlowRelay.Cli;

/// <summary>
/// <c>flowrelay risk list [--data-dir DIR] [--config FILE] [--json]</c>: the current threat index
/// of every host, read back from the <c>host.risk.*</c> documents the relay wrote to its alerts
/// files, highest score first, with its level. Works while the relay runs (it reads the open file too).
/// </summary>
public static class RiskCommand
{
    /// <summary>The <c>risk</c> command and its <c>list</c> subcommand.</summary>
    public static Command Build(TextWriter output, TextWriter error)
    {
        var dataDir = new Option<DirectoryInfo?>("--data-dir", "-d") { Description = "The relay's data_dir (default: the configuration's); alerts files are read from its events/ folder." };
        var config = new Option<FileInfo?>("--config", "-c") { Description = "YAML configuration file: data_dir, outputs.ndjson.path and rules.risk_half_life (default: built-in defaults)." };
        var json = new Option<bool>("--json") { Description = "One JSON object per host instead of a table." };
        var list = new Command("list", "List each host's current threat index from the host.risk documents in the alerts files, highest first (exit 0; 1 when nothing can be read).") { dataDir, config, json };
        list.SetAction(parse => List(parse.GetValue(dataDir), parse.GetValue(config), parse.GetValue(json), output, error));
        return new Command("risk", "Work with the host threat index.") { list };
    }

    internal static int List(DirectoryInfo? dataDir, FileInfo? configFile, bool json, TextWriter output, TextWriter error)
    {
        var loaded = ConfigLoader.Load(configFile?.ToString());
        if (!loaded.IsValid)
        {
            foreach (var e in loaded.Errors) error.WriteLine("flowrelay: " + e);
            return ExitCodes.BadConfig;
        }
        var settings = loaded.Settings!;
        // With --data-dir the files are where a relay with that data_dir and the default output path writes them.
        string[] folders = dataDir is not null ? [Path.Combine(dataDir.FullName, "events"), dataDir.FullName] : [settings.Outputs.Ndjson.Path];
        var files = folders.Where(Directory.Exists)
            .SelectMany(d => Directory.EnumerateFiles(d, "alerts-*.ndjson*").Where(f => f.EndsWith(".ndjson", StringComparison.Ordinal) || f.EndsWith(".ndjson.partial", StringComparison.Ordinal)))
            .Distinct().Order(StringComparer.Ordinal).ToList();
        if (files.Count == 0)
        {
            error.WriteLine($"flowrelay: no alerts files (alerts-*.ndjson) in {string.Join(" or ", folders)}");
            return ExitCodes.Failed;
        }
        var options = new ThreatIndexOptions { HalfLife = settings.Rules.RiskHalfLife.Value };
        var hosts = RiskDocumentReader.ReadCurrent(files.SelectMany(ReadLines), options);
        if (json)
        {
            foreach (var h in hosts)
            {
                using var ms = new MemoryStream();
                using (var w = new Utf8JsonWriter(ms))
                {
                    w.WriteStartObject();
                    w.WriteString("host.ip", h.Host);
                    w.WriteNumber("host.risk.calculated_score", Math.Round(h.Score, 2));
                    w.WriteString("host.risk.calculated_level", AlertDocumentWriter.LevelName(h.Level));
                    w.WriteString("last_change", Time(h.TimeNs));
                    w.WriteString("rule.id", h.RuleId);
                    w.WriteEndObject();
                }
                output.WriteLine(System.Text.Encoding.UTF8.GetString(ms.ToArray()));
            }
        }
        else
        {
            output.WriteLine($"{"SCORE",7}  {"LEVEL",-9} {"HOST",-39} {"LAST CHANGE (UTC)",-20} LAST RULE");
            foreach (var h in hosts)
                output.WriteLine($"{h.Score.ToString("0.00", CultureInfo.InvariantCulture),7}  {AlertDocumentWriter.LevelName(h.Level),-9} {h.Host,-39} {Time(h.TimeNs).ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture),-20} {h.RuleId}");
        }
        error.WriteLine($"# {hosts.Count} host(s) from {files.Count} file(s); scores decayed (half-life {settings.Rules.RiskHalfLife}) to the newest document's time");
        return ExitCodes.Ok;
    }

    private static DateTimeOffset Time(long unixNs) => DateTimeOffset.UnixEpoch.AddTicks(unixNs / 100);

    // The relay may be appending to the .partial file: read without locking it.
    private static IEnumerable<string> ReadLines(string file)
    {
        using var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        using var reader = new StreamReader(stream);
        while (reader.ReadLine() is { } line) yield return line;
    }
}
