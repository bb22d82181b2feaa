using FlowRelay.Config;
using FlowRelay.Spool;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace FlowRelay.Emit.Elasticsearch;

/// <summary>Registers the Elasticsearch output: pipeline sinks (flows, DNS, alerts and threat index) → disk spool → sender (a hosted service).</summary>
public static class ElasticsearchRegistration
{
    /// <summary>
    /// Call before the pipeline's hosted service is added: the sender then starts before the pipeline and
    /// stops after it, so what the pipeline drains at shutdown is still spooled and sent while it can be.
    /// </summary>
    public static void Add(IServiceCollection services, RelaySettings settings)
    {
        var es = settings.Outputs.Elasticsearch;
        if (!es.Enabled) return;
        services.AddSingleton<ElasticsearchCounters>();
        services.AddSingleton<FlowRelay.Engine.Counters.ICounterSource>(sp => sp.GetRequiredService<ElasticsearchCounters>());
        services.AddSingleton<FlowRelay.Engine.Counters.ICounterSource>(sp => sp.GetRequiredService<DiskSpool>().Counters);
        services.AddSingleton(sp =>
        {
            var spool = new DiskSpool(settings.Spool.ToOptions(), sp.GetRequiredService<ILoggerFactory>().CreateLogger("FlowRelay.Spool"));
            // Under the block policy a stopping relay must not wait for ever on a full spool.
            sp.GetRequiredService<IHostApplicationLifetime>().ApplicationStopping.Register(spool.ReleaseBlockedWriters);
            return spool;
        });
        services.AddSingleton(sp => new DeadLetterWriter(es.DeadLetterPath, sp.GetRequiredService<ILoggerFactory>().CreateLogger("FlowRelay.DeadLetter"),
            sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton<IBulkTransport>(_ => new ClientBulkTransport(ElasticsearchConnection.CreateClient(es)));
        services.AddSingleton(sp => new ElasticsearchSender(sp.GetRequiredService<DiskSpool>(), sp.GetRequiredService<IBulkTransport>(),
            sp.GetRequiredService<DeadLetterWriter>(),
            new SenderOptions
            {
                BatchSize = es.BatchSize,
                BatchMaxBytes = (int)Math.Min(int.MaxValue, es.BatchMaxBytes.Bytes),
                Concurrency = es.Concurrency,
                InitialBackoff = es.RetryInitialBackoff.Value,
                MaxBackoff = es.RetryMaxBackoff.Value,
                SetupOnStart = es.SetupOnStart,
                Retention = es.Retention.Value,
            },
            sp.GetRequiredService<ElasticsearchCounters>(), sp.GetRequiredService<ILoggerFactory>().CreateLogger("FlowRelay.Elasticsearch")));
        services.AddSingleton(sp => new ElasticsearchSink(sp.GetRequiredService<DiskSpool>(), es.Namespace, sp.GetRequiredService<ElasticsearchCounters>()));
        services.AddSingleton<IFlowEventSink>(sp => sp.GetRequiredService<ElasticsearchSink>());
        // DNS queries (read by the DNS pipeline, when log inputs are configured) and alerts and
        // threat-index changes (read by the rule stage, when rules are enabled) into the same spool.
        services.AddSingleton(sp => new ElasticsearchDnsSink(sp.GetRequiredService<DiskSpool>(), es.Namespace, sp.GetRequiredService<ElasticsearchCounters>()));
        services.AddSingleton<FlowRelay.Pipeline.Dns.IDnsEventSink>(sp => sp.GetRequiredService<ElasticsearchDnsSink>());
        services.AddSingleton(sp => new ElasticsearchAlertSink(sp.GetRequiredService<DiskSpool>(), es.Namespace, sp.GetRequiredService<ElasticsearchCounters>(),
            sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton<FlowRelay.Engine.Alerts.IAlertSink>(sp => sp.GetRequiredService<ElasticsearchAlertSink>());
        services.AddHostedService(sp => sp.GetRequiredService<ElasticsearchSender>());
    }
}
