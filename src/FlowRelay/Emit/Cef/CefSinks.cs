using FlowRelay.Config;
using FlowRelay.Engine.Alerts;
using FlowRelay.Engine.Events;
using FlowRelay.Engine.Risk;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace FlowRelay.Emit.Cef;

/// <summary>Alerts and threat-index changes as CEF over syslog (called on the pipeline thread).</summary>
public sealed class CefAlertSink(CefFormatter formatter, SyslogSender sender) : IAlertSink
{
    public void Write(Alert alert) => sender.Enqueue(formatter.Format(alert).Span);

    public void WriteRisk(HostRisk risk) => sender.Enqueue(formatter.Format(risk).Span);
}

/// <summary>Every flow as CEF over syslog (outputs.cef.all_events).</summary>
public sealed class CefFlowSink(CefFormatter formatter, SyslogSender sender) : IFlowEventSink
{
    public string Name => "cef";

    public void Write(ReadOnlySpan<FlowEvent> events)
    {
        foreach (ref readonly var e in events) sender.Enqueue(formatter.Format(in e).Span);
    }

    public void Tick(DateTimeOffset now)
    {
    }

    public void Flush()
    {
    }

    public void Close()
    {
    }
}

/// <summary>Registers the CEF output when <c>outputs.cef.enabled</c>.</summary>
public static class CefRegistration
{
    public static void Add(IServiceCollection services, RelaySettings settings)
    {
        var cef = settings.Outputs.Cef;
        if (!cef.Enabled) return;
        services.AddSingleton(sp => new SyslogSender(cef.ToSenderOptions(), sp.GetRequiredService<ILoggerFactory>().CreateLogger("FlowRelay.Cef")));
        services.AddSingleton<FlowRelay.Engine.Counters.ICounterSource>(sp => sp.GetRequiredService<SyslogSender>().Counters);
        services.AddSingleton<IAlertSink>(sp => new CefAlertSink(cef.CreateFormatter(), sp.GetRequiredService<SyslogSender>()));
        if (cef.AllEvents) services.AddSingleton<IFlowEventSink>(sp => new CefFlowSink(cef.CreateFormatter(), sp.GetRequiredService<SyslogSender>()));
    }
}
