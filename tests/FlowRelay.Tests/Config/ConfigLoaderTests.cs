using System.Collections;
using FlowRelay.Config;
using Xunit;

namespace FlowRelay.Tests.Config;

public class ConfigLoaderTests
{
    private static ConfigLoadResult Yaml(string yaml, Hashtable? env = null) => ConfigLoader.LoadYaml(yaml, env ?? new Hashtable(), "test.yaml");

    private static void AssertError(ConfigLoadResult r, string expected)
    {
        Assert.False(r.IsValid);
        Assert.Contains(expected, r.Errors);
    }

    [Fact]
    public void Defaults_apply_with_no_file()
    {
        var r = ConfigLoader.Load(null, new Hashtable());
        Assert.True(r.IsValid, string.Join("\n", r.Errors));
        var s = r.Settings!;
        Assert.Equal("./data", s.DataDir);
        Assert.Equal("info", s.LogLevel);
        Assert.Equal(TimeSpan.FromSeconds(60), s.StatsInterval.Value);
        Assert.True(s.Inputs.Flow.Enabled);
        Assert.Equal(["0.0.0.0:2055", "0.0.0.0:4739"], s.Inputs.Flow.Listen);
        Assert.Equal(32L << 20, s.Inputs.Flow.ReceiveBufferSize.Bytes);
        Assert.Equal(8192, s.Inputs.Flow.QueueCapacity);
        Assert.Equal(TimeSpan.FromMinutes(30), s.Templates.Timeout.Value);
        Assert.Equal(TimeSpan.FromSeconds(30), s.Templates.PersistInterval.Value);
        Assert.Empty(s.Exporters);
        Assert.True(s.Outputs.Ndjson.Enabled);
        Assert.Equal(Path.Combine("./data", "events"), s.Outputs.Ndjson.Path);
        Assert.Equal(100L << 20, s.Outputs.Ndjson.MaxFileSize.Bytes);
        Assert.Equal(TimeSpan.FromHours(1), s.Outputs.Ndjson.MaxFileAge.Value);
        Assert.Equal(TimeSpan.FromSeconds(1), s.Outputs.Ndjson.FlushInterval.Value);
    }

    [Fact]
    public void Empty_file_means_defaults()
    {
        var r = Yaml("# nothing here\n");
        Assert.True(r.IsValid, string.Join("\n", r.Errors));
        Assert.Equal(2, r.Settings!.Inputs.Flow.Listen.Count);
    }

    [Fact]
    public void Yaml_values_bind_and_lists_replace_the_default()
    {
        var r = Yaml("""
            data_dir: /var/lib/flowrelay
            log_level: debug
            stats_interval: 10s
            inputs:
              flow:
                listen: ["127.0.0.1:9995", "[::]:2055"]
                receive_buffer_size: 8MiB
                queue_capacity: 1000
            templates:
              timeout: 1h30m
              pending_max_bytes: 1MiB
            exporters:
              - address: 192.0.2.1
                name: edge-1
                sampling_rate: 100
            outputs:
              ndjson:
                max_file_size: 50MiB
                max_files: 7
                flush_interval: 500ms
            """);
        Assert.True(r.IsValid, string.Join("\n", r.Errors));
        var s = r.Settings!;
        Assert.Equal("/var/lib/flowrelay", s.DataDir);
        Assert.Equal(TimeSpan.FromSeconds(10), s.StatsInterval.Value);
        Assert.Equal(["127.0.0.1:9995", "[::]:2055"], s.Inputs.Flow.Listen);
        Assert.Equal(8L << 20, s.Inputs.Flow.ReceiveBufferSize.Bytes);
        Assert.Equal(TimeSpan.FromMinutes(90), s.Templates.Timeout.Value);
        Assert.Equal("edge-1", Assert.Single(s.Exporters).Name);
        Assert.Equal(100u, s.Exporters[0].SamplingRate);
        Assert.Equal(7, s.Outputs.Ndjson.MaxFiles);
        Assert.Equal(TimeSpan.FromMilliseconds(500), s.Outputs.Ndjson.FlushInterval.Value);
        Assert.Equal(Path.Combine("/var/lib/flowrelay", "events"), s.Outputs.Ndjson.Path);
    }

    [Fact]
    public void Environment_overrides_yaml()
    {
        var env = new Hashtable
        {
            ["FLOWRELAY_OUTPUTS__NDJSON__MAX_FILE_SIZE"] = "50MiB",
            ["FLOWRELAY_DATA_DIR"] = "/srv/fr",
            ["FLOWRELAY_INPUTS__FLOW__LISTEN__0"] = "127.0.0.1:1234",
            ["UNRELATED"] = "x",
        };
        var r = Yaml("outputs:\n  ndjson:\n    max_file_size: 10MiB\ndata_dir: /tmp/a\n", env);
        Assert.True(r.IsValid, string.Join("\n", r.Errors));
        Assert.Equal(50L << 20, r.Settings!.Outputs.Ndjson.MaxFileSize.Bytes);
        Assert.Equal("/srv/fr", r.Settings.DataDir);
        Assert.Equal("127.0.0.1:1234", r.Settings.Inputs.Flow.Listen[0]);
    }

    [Fact]
    public void Environment_typo_is_an_unknown_setting()
    {
        var r = Yaml("", new Hashtable { ["FLOWRELAY_OUTPUTS__NDJSON__MAX_FILESIZE"] = "1" });
        AssertError(r, "setting 'outputs.ndjson.max_filesize': unknown setting (known here: enabled, flush_interval, max_file_age, max_file_size, max_files, path)");
    }

    [Fact]
    public void Unknown_key_is_named()
    {
        AssertError(Yaml("stats_intervl: 5s\n"),
            "setting 'stats_intervl': unknown setting (known here: data_dir, enrich, exporters, inputs, log_level, metrics, outputs, rules, spool, stats_interval, templates)");
        AssertError(Yaml("templates:\n  timout: 5m\n"),
            "setting 'templates.timout': unknown setting (known here: max_exporters, max_templates, pending_max_age, pending_max_bytes, persist_interval, timeout)");
    }

    [Fact]
    public void Bad_duration_is_named()
    {
        AssertError(Yaml("templates:\n  timeout: 5 fortnights\n"),
            "setting 'templates.timeout': '5 fortnights' is not a duration: use a number and a unit (ms, s, m, h, d), e.g. 30s, 5m, 1h30m");
        AssertError(Yaml("stats_interval: 30\n"),
            "setting 'stats_interval': '30' is not a duration: use a number and a unit (ms, s, m, h, d), e.g. 30s, 5m, 1h30m");
    }

    [Fact]
    public void Bad_size_is_named()
    {
        AssertError(Yaml("outputs:\n  ndjson:\n    max_file_size: lots\n"),
            "setting 'outputs.ndjson.max_file_size': 'lots' is not a size: use a number and a unit (B, KiB, MiB, GiB, TiB, KB, MB, GB, TB), e.g. 100MiB");
    }

    [Theory]
    [InlineData("1.2.3.4")]
    [InlineData("0.0.0.0:99999")]
    [InlineData("localhost:2055")]
    [InlineData("::1")]
    public void Bad_listen_address_is_named(string listen)
    {
        AssertError(Yaml($"inputs:\n  flow:\n    listen: [\"{listen}\"]\n"),
            $"setting 'inputs.flow.listen[0]': must be an IP address and port such as 0.0.0.0:2055 or [::]:2055 (got '{listen}')");
    }

    [Fact]
    public void Ipv6_listen_address_is_accepted()
    {
        var r = Yaml("inputs:\n  flow:\n    listen: [\"[::]:2055\", \"[::1]:4739\"]\n");
        Assert.True(r.IsValid, string.Join("\n", r.Errors));
    }

    [Theory]
    [InlineData("outputs:\n  ndjson:\n    max_files: 0\n", "setting 'outputs.ndjson.max_files': must be between 1 and 10000 (got 0)")]
    [InlineData("inputs:\n  flow:\n    queue_capacity: 5\n", "setting 'inputs.flow.queue_capacity': must be between 16 and 1048576 (got 5)")]
    [InlineData("templates:\n  max_templates: 0\n", "setting 'templates.max_templates': must be between 1 and 10000000 (got 0)")]
    [InlineData("stats_interval: 0s\n", "setting 'stats_interval': must be between 1s and 1d (got 0s)")]
    [InlineData("outputs:\n  ndjson:\n    max_file_size: 10B\n", "setting 'outputs.ndjson.max_file_size': must be between 1KiB and 1TiB (got 10B)")]
    [InlineData("log_level: loud\n", "setting 'log_level': must be one of trace, debug, info, warn, error, fatal, off (got 'loud')")]
    [InlineData("exporters:\n  - address: router1\n", "setting 'exporters[0].address': must be an IP address such as 192.0.2.1 or 2001:db8::1 (got 'router1')")]
    [InlineData("outputs:\n  ndjson:\n    max_files: many\n", "setting 'outputs.ndjson.max_files': must be a whole number (got 'many')")]
    [InlineData("outputs:\n  ndjson:\n    enabled: maybe\n", "setting 'outputs.ndjson.enabled': must be true or false (got 'maybe')")]
    [InlineData("outputs: yes\n", "setting 'outputs': must be a section of settings (got 'yes')")]
    [InlineData("spool:\n  mode: memory\n", "setting 'spool.mode': must be one of always, overflow (got 'memory')")]
    [InlineData("spool:\n  memory_size: 100KiB\n", "setting 'spool.memory_size': must be between 1MiB and 64GiB (got 100KiB)")]
    public void Out_of_range_and_malformed_values_are_named(string yaml, string expected) => AssertError(Yaml(yaml), expected);

    [Fact]
    public void Every_error_is_reported_at_once()
    {
        var r = Yaml("stats_intervl: 5s\ntemplates:\n  timeout: soon\noutputs:\n  ndjson:\n    max_files: 0\ninputs:\n  flow:\n    queue_capacity: 1\n");
        Assert.Equal(4, r.Errors.Count);
    }

    [Fact]
    public void Yaml_syntax_error_names_file_line_and_column()
    {
        var r = Yaml("data_dir: /tmp\noutputs:\n  ndjson: [1, 2\n");
        var e = Assert.Single(r.Errors);
        Assert.StartsWith("config file 'test.yaml', line ", e);
        Assert.Matches(@"line \d+, column \d+: ", e);

        var r2 = Yaml("a: b\n  c: d\n");
        Assert.StartsWith("config file 'test.yaml', line 2, column 4: ", Assert.Single(r2.Errors));
    }

    [Fact]
    public void Missing_file_is_reported()
    {
        var r = ConfigLoader.Load("/nonexistent/flowrelay.yaml", new Hashtable());
        Assert.StartsWith("config file '/nonexistent/flowrelay.yaml': cannot be read", Assert.Single(r.Errors));
    }

    [Fact]
    public void Example_config_at_repo_root_is_valid()
    {
        var path = Path.Combine(RepoRoot.Path, "flowrelay.example.yaml");
        var r = ConfigLoader.Load(path, new Hashtable());
        Assert.True(r.IsValid, string.Join("\n", r.Errors));
    }
}
