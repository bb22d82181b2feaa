using FlowRelay.Ingest.Syslog;
using FlowRelay.Protocols.DnsLogs;

namespace FlowRelay.Ingest.Files;

/// <summary>A tailed file as a log input: raw lines (no syslog header), positions acknowledged by the pipeline.</summary>
public sealed class FileTailSource : LogSource
{
    public FileTailSource(string path, DnsLogFormat format) : base(path, format, syslogFramed: false) => Path = path;

    /// <summary>The file's path as configured.</summary>
    public string Path { get; }
}
