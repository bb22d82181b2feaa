using System.Text;
using FlowRelay.Cli;
using FlowRelay.Emit.Kibana;
using Xunit;

namespace FlowRelay.Tests.Kibana;

/// <summary><c>flowrelay setup kibana</c> against a loopback Kibana: the request Kibana's import API expects, and every failure reported.</summary>
public class KibanaSetupTests
{
    private static readonly string Dashboards = Path.Combine(RepoRoot.Path, "dashboards");

    private static async Task<(int Code, string Out, string Err)> Run(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        int code = await FlowRelayCli.InvokeAsync(args, output, error);
        return (code, output.ToString(), error.ToString());
    }

    private static string Config(TempDir dir, string kibana, string elasticsearch = "")
    {
        string path = dir.File("flowrelay.yaml");
        File.WriteAllText(path, $"outputs:\n  kibana:\n{Indent(kibana)}" + (elasticsearch.Length > 0 ? $"  elasticsearch:\n{Indent(elasticsearch)}" : ""));
        return path;
    }

    private static string Indent(string block) => string.Concat(block.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => "    " + l + "\n"));

    [Fact]
    public async Task Imports_every_file_as_multipart_with_xsrf_overwrite_space_and_basic_auth()
    {
        await using var kibana = await LoopbackKibana.StartAsync();
        using var dir = new TempDir();
        Environment.SetEnvironmentVariable("FR_KIBANA_TEST_PASSWORD", "s3cret");
        string config = Config(dir, $"url: {kibana.Url}\nspace: soc-team\nusername: relay\npassword: env:FR_KIBANA_TEST_PASSWORD");

        var (code, output, error) = await Run("setup", "kibana", "--config", config, "--dashboards", Dashboards);

        Assert.True(code == ExitCodes.Ok, error);
        var request = Assert.Single(kibana.Requests);
        Assert.Equal("POST", request.Method);
        Assert.Equal("/s/soc-team/api/saved_objects/_import?overwrite=true", request.PathAndQuery);
        Assert.Equal("true", request.Headers["kbn-xsrf"]);
        Assert.Equal("Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes("relay:s3cret")), request.Headers["authorization"]);
        Assert.StartsWith("multipart/form-data; boundary=", request.ContentType);
        Assert.Equal("flowrelay.ndjson", request.FileName);
        Assert.Equal("application/ndjson", request.FileContentType);
        Assert.Equal(await File.ReadAllTextAsync(Path.Combine(Dashboards, "flowrelay.ndjson")), request.FileContent);
        int objects = File.ReadAllLines(Path.Combine(Dashboards, "flowrelay.ndjson")).Length;
        Assert.Contains($"flowrelay.ndjson: {objects} saved objects imported into space 'soc-team'", output);
        Assert.DoesNotContain("s3cret", output + error);
    }

    [Fact]
    public async Task Default_space_has_no_space_prefix_and_api_key_auth_falls_back_to_the_elasticsearch_key()
    {
        await using var kibana = await LoopbackKibana.StartAsync();
        using var dir = new TempDir();
        Environment.SetEnvironmentVariable("FR_ES_TEST_API_KEY", "aWQ6a2V5");
        string config = Config(dir, $"url: {kibana.Url}", "api_key: env:FR_ES_TEST_API_KEY");

        var (code, _, error) = await Run("setup", "kibana", "--config", config, "--dashboards", Dashboards);

        Assert.True(code == ExitCodes.Ok, error);
        var request = Assert.Single(kibana.Requests);
        Assert.Equal("/api/saved_objects/_import?overwrite=true", request.PathAndQuery);
        Assert.Equal("ApiKey aWQ6a2V5", request.Headers["authorization"]);
    }

    [Fact]
    public async Task Bearer_token_of_the_kibana_section_wins_over_elasticsearch_credentials()
    {
        await using var kibana = await LoopbackKibana.StartAsync();
        using var dir = new TempDir();
        File.WriteAllText(dir.File("token"), "tok-123\n");
        Environment.SetEnvironmentVariable("FR_ES_TEST_API_KEY", "aWQ6a2V5");
        string config = Config(dir, $"url: {kibana.Url}\nbearer_token: file:{dir.File("token")}", "api_key: env:FR_ES_TEST_API_KEY");

        var (code, _, error) = await Run("setup", "kibana", "--config", config, "--dashboards", Dashboards);

        Assert.True(code == ExitCodes.Ok, error);
        Assert.Equal("Bearer tok-123", Assert.Single(kibana.Requests).Headers["authorization"]);
    }

    [Fact]
    public async Task Partial_failure_is_a_failure_naming_each_object_and_reason()
    {
        await using var kibana = await LoopbackKibana.StartAsync();
        kibana.Answer = (200, """
            {"success":false,"successCount":30,"errors":[
              {"id":"flowrelay-dns-queries","type":"lens","title":"DNS queries over time","meta":{"title":"DNS queries over time","icon":"lensApp"},
               "error":{"type":"missing_references","references":[{"type":"index-pattern","id":"flowrelay-dns-data-view"}]}},
              {"id":"flowrelay-traffic-dashboard","type":"dashboard","meta":{"title":"[FlowRelay] Traffic"},
               "error":{"type":"unknown","message":"Document \"flowrelay-traffic-dashboard\" has property \"dashboard\" which belongs to a more recent version of Kibana [10.9.0].","statusCode":400}}]}
            """);
        using var dir = new TempDir();
        string config = Config(dir, $"url: {kibana.Url}");

        var (code, output, error) = await Run("setup", "kibana", "--config", config, "--dashboards", Dashboards);

        Assert.Equal(ExitCodes.Failed, code);
        Assert.Contains("flowrelay.ndjson: 2 objects FAILED to import into the default space (30 imported)", error);
        Assert.Contains("lens flowrelay-dns-queries \"DNS queries over time\": missing_references (index-pattern flowrelay-dns-data-view)", error);
        Assert.Contains("dashboard flowrelay-traffic-dashboard \"[FlowRelay] Traffic\": unknown: Document \"flowrelay-traffic-dashboard\" has property \"dashboard\" which belongs to a more recent version of Kibana [10.9.0].", error);
        Assert.DoesNotContain("imported into", output);
    }

    [Fact]
    public async Task Http_error_is_a_failure_with_kibanas_message()
    {
        await using var kibana = await LoopbackKibana.StartAsync();
        kibana.Answer = (401, """{"statusCode":401,"error":"Unauthorized","message":"[security_exception]: unable to authenticate user [relay]"}""");
        using var dir = new TempDir();
        string config = Config(dir, $"url: {kibana.Url}");

        var (code, _, error) = await Run("setup", "kibana", "--config", config, "--dashboards", Dashboards);

        Assert.Equal(ExitCodes.Failed, code);
        Assert.Contains("import into the default space FAILED: HTTP 401: [security_exception]: unable to authenticate user [relay]", error);
    }

    [Fact]
    public async Task Unreachable_kibana_is_a_failure()
    {
        int port;
        await using (var gone = await LoopbackKibana.StartAsync()) port = gone.Url.Port;
        using var dir = new TempDir();
        string config = Config(dir, $"url: http://127.0.0.1:{port}");

        var (code, _, error) = await Run("setup", "kibana", "--config", config, "--dashboards", Dashboards);

        Assert.Equal(ExitCodes.Failed, code);
        Assert.Contains("FAILED: no answer from Kibana", error);
    }

    [Fact]
    public async Task Missing_url_and_bad_settings_name_the_setting()
    {
        using var dir = new TempDir();
        var (code, _, error) = await Run("setup", "kibana", "--config", Config(dir, "space: default"), "--dashboards", Dashboards);
        Assert.Equal(ExitCodes.BadConfig, code);
        Assert.Contains("setting 'outputs.kibana.url' is empty", error);

        (code, _, error) = await Run("setup", "kibana", "--config", Config(dir, "url: ftp://kibana\nspace: SOC Team\npassword: hunter2"));
        Assert.Equal(ExitCodes.BadConfig, code);
        Assert.Contains("setting 'outputs.kibana.url': must be an http:// or https:// URL", error);
        Assert.Contains("setting 'outputs.kibana.space': must be a Kibana space id", error);
        Assert.Contains("setting 'outputs.kibana.password': must be a reference", error);
        Assert.DoesNotContain("hunter2", error);
    }

    [Fact]
    public async Task No_dashboards_folder_is_a_failure_that_says_where_it_looked()
    {
        await using var kibana = await LoopbackKibana.StartAsync();
        using var dir = new TempDir();
        var (code, _, error) = await Run("setup", "kibana", "--config", Config(dir, $"url: {kibana.Url}"), "--dashboards", dir.File("nowhere"));
        Assert.Equal(ExitCodes.Failed, code);
        Assert.Contains("no saved-object files (*.ndjson) in " + dir.File("nowhere"), error);
        Assert.Empty(kibana.Requests);
    }

    [Fact]
    public void Dashboards_are_copied_next_to_the_executable()
    {
        // The test output holds the relay's build output, where 'setup kibana' looks by default.
        Assert.True(File.Exists(Path.Combine(KibanaSetupCommand.DefaultDashboardsPath, "flowrelay.ndjson")));
    }

    [Theory]
    [InlineData("", "api/saved_objects/_import?overwrite=true")]
    [InlineData("default", "api/saved_objects/_import?overwrite=true")]
    [InlineData("soc", "s/soc/api/saved_objects/_import?overwrite=true")]
    public void Import_path_carries_the_space(string space, string path) => Assert.Equal(path, SavedObjectsImport.Path(space));

    [Fact]
    public void Success_without_errors_is_success()
    {
        var r = ImportResult.Parse(200, """{"success":true,"successCount":32,"successResults":[]}""");
        Assert.True(r.Success);
        Assert.Equal(32, r.SuccessCount);
        Assert.Null(r.RequestError);
    }
}
