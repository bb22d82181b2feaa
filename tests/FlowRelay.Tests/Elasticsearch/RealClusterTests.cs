using System.Text;
using FlowRelay.Config;
using FlowRelay.Emit.Elasticsearch;
using FlowRelay.Spool;
using Microsoft.Extensions.Logging.Abstractions;
using Xunit;

namespace FlowRelay.Tests.Elasticsearch;

/// <summary>
/// A test that runs only against a real cluster. Without FRTEST_ES_URL it is reported as
/// SKIPPED (with the reason), never as passed: a green run without a cluster must not look like
/// the cluster was tested. Optional: FRTEST_ES_API_KEY (base64 id:key) or
/// FRTEST_ES_USER / FRTEST_ES_PASSWORD, FRTEST_ES_FINGERPRINT.
/// </summary>
public sealed class RealElasticsearchFactAttribute : FactAttribute
{
    public RealElasticsearchFactAttribute()
    {
        if (string.IsNullOrEmpty(Environment.GetEnvironmentVariable("FRTEST_ES_URL")))
            Skip = "FRTEST_ES_URL is not set: no real Elasticsearch to test against";
    }
}

public sealed class RealClusterTests : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    [RealElasticsearchFact]
    public async Task Templates_install_and_flow_documents_index_into_a_real_cluster_exactly_once()
    {
        var settings = new ElasticsearchOutputSettings
        {
            Enabled = true,
            Urls = [Environment.GetEnvironmentVariable("FRTEST_ES_URL")!],
            Namespace = "flowrelaytest" + DateTime.UtcNow.ToString("HHmmss"),
            ApiKey = Environment.GetEnvironmentVariable("FRTEST_ES_API_KEY") is { Length: > 0 } ? "env:FRTEST_ES_API_KEY" : "",
            Username = Environment.GetEnvironmentVariable("FRTEST_ES_USER") ?? "",
            Password = Environment.GetEnvironmentVariable("FRTEST_ES_PASSWORD") is { Length: > 0 } ? "env:FRTEST_ES_PASSWORD" : "",
            CertificateFingerprint = Environment.GetEnvironmentVariable("FRTEST_ES_FINGERPRINT") ?? "",
        };
        var client = ElasticsearchConnection.CreateClient(settings);
        var failures = await ElasticsearchSetup.InstallAsync(client, TimeSpan.FromDays(1), _ => { }, default);
        Assert.Empty(failures);

        using var spool = new DiskSpool(new SpoolOptions { Path = _dir.File("spool") }, NullLogger.Instance);
        var counters = new ElasticsearchCounters();
        var sink = new ElasticsearchSink(spool, settings.Namespace, counters);
        var events = Enumerable.Range(0, 200).Select(i =>
        {
            var e = SampleFlows.Enriched(i % 2 == 0 ? "10.99.0.1" : "fd99::1", i % 2 == 0 ? "81.2.69.142" : "2001:db8::7", i % 3 == 0 ? (byte)17 : (byte)6);
            e.Flow.Sequence = (uint)i;
            return e;
        }).ToArray();
        sink.Write(events);
        sink.Write(events); // the same records again: same ids, 409s
        var sender = new ElasticsearchSender(spool, new ClientBulkTransport(client), new DeadLetterWriter(_dir.File("dlq"), NullLogger.Instance),
            new SenderOptions(), counters, NullLogger.Instance);
        await sender.StartAsync(default);
        Assert.True(await Eventually.HoldsAsync(() => spool.Counters.EntriesWaiting == 0, TimeSpan.FromSeconds(60)));
        await sender.StopAsync(default);
        Assert.Equal(0, counters.DeadLettered);
        Assert.Equal(200, counters.Delivered);
        Assert.Equal(200, counters.AlreadyPresent);
    }
}
