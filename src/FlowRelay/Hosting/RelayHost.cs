using FlowRelay.Config;
using FlowRelay.Emit;
using FlowRelay.Engine.Alerts;
using FlowRelay.Engine.Counters;
using FlowRelay.Engine.Enrich;
using FlowRelay.Engine.Risk;
using FlowRelay.Engine.Rules;
using FlowRelay.Ingest;
using FlowRelay.Ingest.Hardening;
using FlowRelay.Metrics;
using FlowRelay.Pipeline;
using FlowRelay.Pipeline.Dns;
using FlowRelay.Stats;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using NLog.Extensions.Logging;

namespace FlowRelay.Hosting;

/// <summary>Builds the relay's host from validated settings: logging, the pipeline stages and the hosted services.</summary>
public static class RelayHost
{
    /// <summary>
    /// Builds (does not start) the host. <paramref name="configureServices"/> lets tests swap or add services.
    /// </summary>
    public static IHost Build(RelaySettings settings, Action<IServiceCollection>? configureServices = null)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings
        {
            // No appsettings.json, no DOTNET_ environment config, no default console logger: the YAML file is the one source.
            DisableDefaults = true,
            ContentRootPath = Directory.GetCurrentDirectory(),
        });

        var logFactory = NLogSetup.CreateFactory(settings.LogLevel);
        builder.Logging.ClearProviders();
        builder.Logging.SetMinimumLevel(NLogSetup.ToMsLevel(settings.LogLevel));
        builder.Logging.AddNLog(new NLogProviderOptions { ShutdownOnDispose = true }, _ => logFactory);

        builder.Services.Configure<HostOptions>(o =>
        {
            // Time for the pipeline to drain the queue, close files and save templates.
            o.ShutdownTimeout = TimeSpan.FromSeconds(30);
            o.BackgroundServiceExceptionBehavior = BackgroundServiceExceptionBehavior.StopHost;
        });

        var services = builder.Services;
        services.AddSingleton(settings);
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton(new PacketChannel(settings.Inputs.Flow.QueueCapacity));
        services.AddSingleton<PipelineCounters>();
        services.AddSingleton(sp => new TemplateStore(settings.DataDir, sp.GetRequiredService<ILogger<TemplateStore>>()));

        AddEnrichers(services, settings.Enrich);
        if (settings.Rules.Enabled)
        {
            // Alerts go to every IAlertSink: the log line always; more sinks register the same way.
            services.AddSingleton<IAlertSink, LogAlertSink>();
            if (settings.Outputs.Ndjson.Enabled)
            {
                // alerts-*.ndjson beside the flow files, rotated and kept like them.
                services.AddSingleton(sp => new AlertNdjsonSink(new NdjsonFileSink(settings.Outputs.Ndjson, sp.GetRequiredService<ILogger<NdjsonFileSink>>(),
                    sp.GetRequiredService<TimeProvider>(), AlertNdjsonSink.Prefix), sp.GetRequiredService<TimeProvider>()));
                services.AddSingleton<IAlertSink>(sp => sp.GetRequiredService<AlertNdjsonSink>());
                services.AddSingleton<IFlowEventSink>(sp => sp.GetRequiredService<AlertNdjsonSink>());
            }
            services.AddSingleton(new ThreatIndex(new ThreatIndexOptions { HalfLife = settings.Rules.RiskHalfLife.Value }));
            services.AddSingleton<ICounterSource>(sp => sp.GetRequiredService<ThreatIndex>());
            services.AddSingleton<IFlowRuleStage>(sp => sp.GetRequiredService<SigmaRuleStage>());
            services.AddSingleton<IDnsRuleStage>(sp => sp.GetRequiredService<SigmaRuleStage>());
            services.AddSingleton<RuleStageCounters>();
            services.AddSingleton<ICounterSource>(sp => sp.GetRequiredService<RuleStageCounters>());
            services.AddSingleton<RuleMatchCounters>();
            services.AddSingleton<ICounterSource>(sp => sp.GetRequiredService<RuleMatchCounters>());
            services.AddSingleton(sp =>
            {
                var log = sp.GetRequiredService<ILoggerFactory>().CreateLogger("FlowRelay.Rules");
                var options = new RuleEngineOptions { Lateness = settings.Rules.Lateness.Value, MaxGroups = settings.Rules.MaxGroups };
                return new SigmaRuleStage(settings.Rules.ResolvePath(), options, sp.GetRequiredService<ThreatIndex>(), sp.GetServices<IAlertSink>(),
                    m => log.LogInformation("{Message}", m), settings.Rules.ReloadInterval.Value);
            });
        }
        else
        {
            services.AddSingleton<IFlowRuleStage, PassThroughRuleStage>();
        }
        if (settings.Outputs.Ndjson.Enabled)
        {
            services.AddSingleton(sp => new NdjsonFileSink(settings.Outputs.Ndjson, sp.GetRequiredService<ILogger<NdjsonFileSink>>(), sp.GetRequiredService<TimeProvider>()));
            services.AddSingleton<IFlowEventSink>(sp => sp.GetRequiredService<NdjsonFileSink>());
        }
        // Flows, DNS queries, alerts and threat-index changes → disk spool → Elasticsearch, when outputs.elasticsearch is enabled (its sender stops after the pipeline).
        FlowRelay.Emit.Elasticsearch.ElasticsearchRegistration.Add(services, settings);
        // Alerts (and with all_events, flows) as CEF over syslog.
        FlowRelay.Emit.Cef.CefRegistration.Add(services, settings);

        var endpoints = settings.Inputs.Flow.Enabled ? settings.Inputs.Flow.ListenEndpoints() : [];
        foreach (var endpoint in endpoints)
        {
            services.AddSingleton(sp => new UdpFlowReceiver(endpoint, (int)Math.Min(int.MaxValue, settings.Inputs.Flow.ReceiveBufferSize.Bytes),
                sp.GetRequiredService<PacketChannel>(), sp.GetRequiredService<ILogger<UdpFlowReceiver>>(),
                ReceiverHardening.Allowlist(settings.Inputs.Flow), ReceiverHardening.RateLimiter(settings.Inputs.Flow)));
        }
        services.AddSingleton<ICounterSource>(_ => new RuntimeCounters()); // the collector's figures (stats.json "runtime")
        services.AddSingleton<RelayStatsSource>();
        services.AddSingleton<StatsReporter>();
        services.AddSingleton<FlowPipeline>();
        if (settings.Metrics.Enabled)
        {
            services.AddSingleton<RelayReadiness>();
            services.AddSingleton<MetricsServer>();
        }

        // Order matters: hosted services start in this order and stop in reverse. Receivers stop
        // first, then the pipeline drains the queue, then stats writes the final figures.
        services.AddHostedService(sp => sp.GetRequiredService<StatsReporter>());
        // Started before the pipeline and receivers, stopped after them: /readyz says so while they start and drain.
        if (settings.Metrics.Enabled) services.AddHostedService(sp => sp.GetRequiredService<MetricsServer>());
        services.AddHostedService(sp => sp.GetRequiredService<FlowPipeline>());
        for (int i = 0; i < endpoints.Count; i++)
        {
            int index = i;
            services.AddSingleton<IHostedService>(sp => sp.GetServices<UdpFlowReceiver>().ElementAt(index));
        }

        // DNS logs and CEF (syslog listeners, tailed files) and their pipeline; after the flow
        // receivers so that on stop the log inputs stop first and the DNS pipeline drains.
        services.AddDnsPipeline(settings);

        configureServices?.Invoke(services);
        return builder.Build();
    }

    /// <summary>
    /// The enrichers in the order the pipeline runs them: each may read what the earlier ones set
    /// (direction feeds the DNS join's unresolved flag; the client/server decision picks the port
    /// for network.protocol). GeoIP runs last and only when a database is configured.
    /// </summary>
    private static void AddEnrichers(IServiceCollection services, EnrichSettings enrich)
    {
        services.AddSingleton<IFlowEnricher>(_ => new CommunityIdEnricher());
        services.AddSingleton(_ => new NetworkEnricher(enrich.Networks, enrich.Sites));
        services.AddSingleton<IFlowEnricher>(sp => sp.GetRequiredService<NetworkEnricher>());
        services.AddSingleton(_ => new ClientServerEnricher(enrich.ClientServer.PairWindow.Value, enrich.ClientServer.MaxPairs, enrich.ClientServer.ServicePorts));
        services.AddSingleton<IFlowEnricher>(sp => sp.GetRequiredService<ClientServerEnricher>());
        services.AddSingleton<ICounterSource>(sp => sp.GetRequiredService<ClientServerEnricher>());
        if (!string.IsNullOrWhiteSpace(enrich.Assets.File))
        {
            services.AddSingleton(_ => enrich.Assets.Load()!);
            services.AddSingleton<IFlowEnricher>(sp => new AssetEnricher(sp.GetRequiredService<AssetInventory>()));
        }
        if (enrich.DnsJoin.Enabled)
        {
            // The DNS events (issue 3) feed this same cache with DnsAnswerCache.Add on the pipeline loop.
            services.AddSingleton(_ => new DnsAnswerCache(enrich.DnsJoin.MaxAnswers, enrich.DnsJoin.MinTtl.Value, enrich.DnsJoin.MaxTtl.Value));
            services.AddSingleton<IFlowEnricher>(sp => new DnsJoinEnricher(sp.GetRequiredService<DnsAnswerCache>()));
            services.AddSingleton<ICounterSource>(sp => sp.GetRequiredService<DnsAnswerCache>());
        }
        services.AddSingleton<IFlowEnricher>(_ => new ServiceNameEnricher());
        if (enrich.GeoIp.Enabled)
        {
            services.AddSingleton(_ => new GeoIpLookup(enrich.GeoIp.CityDatabase, enrich.GeoIp.AsnDatabase, enrich.GeoIp.CacheSize));
            services.AddSingleton<IFlowEnricher>(sp => new GeoIpEnricher(sp.GetRequiredService<GeoIpLookup>()));
            services.AddSingleton<ICounterSource>(sp => sp.GetRequiredService<GeoIpLookup>());
        }
    }
}
