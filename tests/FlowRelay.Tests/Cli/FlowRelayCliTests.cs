using FlowRelay.Cli;
using Xunit;

namespace FlowRelay.Tests.Cli;

public class FlowRelayCliTests
{
    private static async Task<(int Code, string Out, string Err)> Invoke(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        int code = await FlowRelayCli.InvokeAsync(args, output, error);
        return (code, output.ToString(), error.ToString());
    }

    [Fact]
    public async Task Validate_with_no_file_prints_the_effective_defaults()
    {
        var (code, output, error) = await Invoke("validate");
        Assert.Equal(0, code);
        Assert.Equal("", error);
        Assert.Contains("configuration OK", output);
        Assert.Contains("      - \"0.0.0.0:2055\"", output);
        Assert.Contains("    max_file_size: 100MiB", output);
        Assert.Contains("stats_interval: 1m", output);
    }

    [Fact]
    public async Task Validate_good_file_exits_0()
    {
        using var dir = new TempDir();
        File.WriteAllText(dir.File("ok.yaml"), "outputs:\n  ndjson:\n    max_files: 3\n");
        var (code, output, _) = await Invoke("validate", "--config", dir.File("ok.yaml"));
        Assert.Equal(0, code);
        Assert.Contains("    max_files: 3", output);
    }

    [Fact]
    public async Task Validate_bad_file_exits_1_and_prints_every_error()
    {
        using var dir = new TempDir();
        File.WriteAllText(dir.File("bad.yaml"), "stats_intervl: 5s\noutputs:\n  ndjson:\n    max_files: 0\n");
        var (code, output, error) = await Invoke("validate", "-c", dir.File("bad.yaml"));
        Assert.Equal(1, code);
        Assert.Equal("", output);
        Assert.Contains("is invalid (2 errors)", error);
        Assert.Contains("setting 'stats_intervl': unknown setting", error);
        Assert.Contains("setting 'outputs.ndjson.max_files': must be between 1 and 10000 (got 0)", error);
    }

    [Fact]
    public async Task Run_with_bad_config_exits_2_without_a_stack_trace()
    {
        using var dir = new TempDir();
        File.WriteAllText(dir.File("bad.yaml"), "templates:\n  timeout: never\n");
        var (code, _, error) = await Invoke("run", "--config", dir.File("bad.yaml"));
        Assert.Equal(2, code);
        Assert.Contains("setting 'templates.timeout': 'never' is not a duration", error);
        Assert.DoesNotContain("   at ", error);
    }

    [Fact]
    public async Task Run_with_yaml_syntax_error_exits_2_naming_line_and_column()
    {
        using var dir = new TempDir();
        File.WriteAllText(dir.File("syntax.yaml"), "a: b\n  c: d\n");
        var (code, _, error) = await Invoke("run", "-c", dir.File("syntax.yaml"));
        Assert.Equal(2, code);
        Assert.Contains($"config file '{dir.File("syntax.yaml")}', line 2, column 4:", error);
    }

    [Fact]
    public async Task Run_on_a_port_in_use_fails_with_a_clear_message()
    {
        using var busy = new System.Net.Sockets.UdpClient(new System.Net.IPEndPoint(System.Net.IPAddress.Loopback, 0));
        int port = ((System.Net.IPEndPoint)busy.Client.LocalEndPoint!).Port;
        using var dir = new TempDir();
        File.WriteAllText(dir.File("c.yaml"), $"data_dir: {dir.Path}\nlog_level: off\ninputs:\n  flow:\n    listen: [\"127.0.0.1:{port}\"]\n");
        var (code, _, error) = await Invoke("run", "-c", dir.File("c.yaml"));
        Assert.Equal(1, code);
        Assert.Contains($"cannot listen on udp 127.0.0.1:{port}: the address is already in use", error);
        Assert.DoesNotContain("   at ", error);
    }

    [Fact]
    public async Task Version_prints_a_version()
    {
        var (code, output, _) = await Invoke("--version");
        Assert.Equal(0, code);
        Assert.Matches(@"^\d+\.\d+\.\d+", output);
    }
}
