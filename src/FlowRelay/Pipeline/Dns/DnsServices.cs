using FlowRelay.Config;
using FlowRelay.Emit;
using FlowRelay.Engine.Counters;
using FlowRelay.Engine.Dns;
using FlowRelay.Engine.Enrich;
using FlowRelay.Ingest.Files;
using FlowRelay.Ingest.Syslog;
using FlowRelay.Protocols.DnsLogs;
using FlowRelay.Protocols.Syslog;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace FlowRelay.Pipeline.Dns;

/// <summary>Registers the log inputs (syslog listeners, file tailers), the DNS pipeline and its sinks.</summary>
public static class DnsServices
{
    /// <summary>
    /// Adds everything when any log input is configured. Call after the flow services: hosted
    /// services stop in reverse order, so the inputs stop first, then the DNS pipeline drains.
    /// </summary>
    public static void AddDnsPipeline(this IServiceCollection services, RelaySettings settings)
    {
        var inputs = settings.Inputs;
        if (!inputs.HasLogInputs) return;
        var syslog = inputs.Syslog;
        services.AddSingleton(new LogChannel(syslog.QueueCapacity));
        services.AddSingleton(_ => PublicSuffixList.Load(inputs.PublicSuffixList));
        SyslogInputSettings.TryParseOffset(syslog.TimezoneOffset, out int offsetMinutes);
        services.AddSingleton(new SyslogParserOptions { AssumedOffsetMinutes = offsetMinutes });
        services.AddSingleton(sp => new FilePositionStore(settings.DataDir, sp.GetRequiredService<ILoggerFactory>().CreateLogger("FlowRelay.Files")));

        if (settings.Outputs.Ndjson.Enabled)
        {
            services.AddSingleton<IDnsEventSink>(sp =>
            {
                var log = sp.GetRequiredService<ILogger<NdjsonFileSink>>();
                var time = sp.GetRequiredService<TimeProvider>();
                return new DnsNdjsonSink(new NdjsonFileSink(settings.Outputs.Ndjson, log, time, DnsNdjsonSink.DnsPrefix),
                    new NdjsonFileSink(settings.Outputs.Ndjson, log, time, DnsNdjsonSink.CefPrefix));
            });
        }

        // Answers reach the flow side's DNS join through a queue drained on the flow loop, before the join runs.
        if (settings.Enrich.DnsJoin.Enabled)
        {
            services.AddSingleton(new DnsAnswerFeed());
            var drain = ServiceDescriptor.Singleton<FlowRelay.Engine.Enrich.IFlowEnricher>(sp =>
                new DnsAnswerFeedEnricher(sp.GetRequiredService<DnsAnswerFeed>(), sp.GetRequiredService<DnsAnswerCache>()));
            int first = -1;
            for (int i = 0; i < services.Count; i++)
            {
                if (services[i].ServiceType == typeof(FlowRelay.Engine.Enrich.IFlowEnricher)) { first = i; break; }
            }
            if (first >= 0) services.Insert(first, drain);
            else services.Add(drain);
        }

        services.AddSingleton(sp => new DnsPipeline(sp.GetRequiredService<LogChannel>(), sp.GetRequiredService<PublicSuffixList>(),
            sp.GetServices<IDnsEventSink>(), sp.GetRequiredService<SyslogParserOptions>(), sp.GetRequiredService<ILogger<DnsPipeline>>(),
            sp.GetService<DnsAnswerFeed>(), sp.GetRequiredService<FilePositionStore>(), sp.GetRequiredService<TimeProvider>(),
            rules: sp.GetService<FlowRelay.Engine.Rules.IDnsRuleStage>()));
        services.AddHostedService(sp => sp.GetRequiredService<DnsPipeline>());
        services.AddSingleton<ICounterSource>(sp => sp.GetRequiredService<DnsPipeline>());

        if (syslog.Enabled)
        {
            var limits = new SyslogReceiverLimits((int)syslog.MaxMessageSize.Bytes, syslog.MaxConnections, syslog.IdleTimeout.Value);
            foreach (var listener in syslog.Listeners)
            {
                FlowInputSettings.TryParseEndpoint(listener.Listen, out var endpoint);
                DnsLogFormatNames.TryParse(listener.Format, out DnsLogFormat format);
                string protocol = listener.ProtocolName;
                var source = new LogSource($"{protocol}:{listener.Listen.Trim()}", format, syslogFramed: true);
                services.AddSingleton<ICounterSource>(source);
                if (protocol == "udp")
                {
                    services.AddSingleton(sp => new UdpSyslogReceiver(endpoint, source, limits.MaxMessageSize, (int)syslog.ReceiveBufferSize.Bytes,
                        sp.GetRequiredService<LogChannel>(), sp.GetRequiredService<ILoggerFactory>().CreateLogger("FlowRelay.Syslog")));
                    services.AddSingleton<IHostedService>(sp => sp.GetServices<UdpSyslogReceiver>().First(r => r.Source == source));
                }
                else
                {
                    var tls = protocol == "tls" ? SyslogTls.Create(listener.TlsCertificate, listener.TlsKey, listener.TlsClientCa) : null;
                    services.AddSingleton(sp => new TcpSyslogReceiver(endpoint, source, limits, tls, sp.GetRequiredService<LogChannel>(),
                        sp.GetRequiredService<ILoggerFactory>().CreateLogger("FlowRelay.Syslog")));
                    services.AddSingleton<IHostedService>(sp => sp.GetServices<TcpSyslogReceiver>().First(r => r.Source == source));
                }
            }
        }
        if (inputs.Files.Enabled)
        {
            foreach (var file in inputs.Files.Sources)
            {
                DnsLogFormatNames.TryParse(file.Format, out DnsLogFormat format);
                var source = new FileTailSource(file.Path, format);
                services.AddSingleton<ICounterSource>(source);
                services.AddSingleton(sp => new FileTailer(source, sp.GetRequiredService<FilePositionStore>(), sp.GetRequiredService<LogChannel>(),
                    inputs.Files.PollInterval.Value, (int)inputs.Files.MaxLineSize.Bytes, sp.GetRequiredService<ILoggerFactory>().CreateLogger("FlowRelay.Files")));
                services.AddSingleton<IHostedService>(sp => sp.GetServices<FileTailer>().First(t => t.Source == source));
            }
        }
    }
}
