using NLog;
using NLog.Config;
using NLog.Targets;

namespace FlowRelay.Hosting;

/// <summary>NLog configured in code: one console target, level from <c>log_level</c>. No nlog.config file is read.</summary>
public static class NLogSetup
{
    /// <summary>A log factory of its own per host, so hosts started side by side (tests) do not share global state.</summary>
    public static LogFactory CreateFactory(string level)
    {
        var factory = new LogFactory();
        var config = new LoggingConfiguration(factory);
        var console = new ConsoleTarget("console")
        {
            Layout = "${date:universalTime=true:format=yyyy-MM-ddTHH\\:mm\\:ss.fffZ} ${level:uppercase=true:padding=-5} ${logger:shortName=true}: ${message}${onexception:${newline}${exception:format=tostring}}",
        };
        config.AddRule(ToNLogLevel(level), NLog.LogLevel.Fatal, console);
        factory.Configuration = config;
        return factory;
    }

    /// <summary>The NLog level for a <c>log_level</c> setting value.</summary>
    public static NLog.LogLevel ToNLogLevel(string level) => level.Trim().ToLowerInvariant() switch
    {
        "trace" => NLog.LogLevel.Trace,
        "debug" => NLog.LogLevel.Debug,
        "warn" => NLog.LogLevel.Warn,
        "error" => NLog.LogLevel.Error,
        "fatal" => NLog.LogLevel.Fatal,
        "off" => NLog.LogLevel.Off,
        _ => NLog.LogLevel.Info,
    };

    /// <summary>The Microsoft.Extensions.Logging level for a <c>log_level</c> setting value.</summary>
    public static Microsoft.Extensions.Logging.LogLevel ToMsLevel(string level) => level.Trim().ToLowerInvariant() switch
    {
        "trace" => Microsoft.Extensions.Logging.LogLevel.Trace,
        "debug" => Microsoft.Extensions.Logging.LogLevel.Debug,
        "warn" => Microsoft.Extensions.Logging.LogLevel.Warning,
        "error" => Microsoft.Extensions.Logging.LogLevel.Error,
        "fatal" => Microsoft.Extensions.Logging.LogLevel.Critical,
        "off" => Microsoft.Extensions.Logging.LogLevel.None,
        _ => Microsoft.Extensions.Logging.LogLevel.Information,
    };
}
