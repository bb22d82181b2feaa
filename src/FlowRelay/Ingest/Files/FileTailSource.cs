using FlowRelay.Ingest.Syslog;
using FlowRelay.Protocols.DnsLogs;

namespace FlowRelay.Ingest.Files;

/// <summary>A tailed file as a log input: raw lines (no syslog header), positions acknowledged by the pipeline.</summary>
public sealed class FileTailSource : LogSource
{
    public FileTailSource(string path, DnsLogFormat format) : base(path, format, syslogFramed: false) => Path = path;

    /// <summary>The file's path as configured.</summary>
    public string Path { get; }

    /// <summary>Rotations (rename) followed.</summary>
    public long Rotations;

    /// <summary>Truncations (copytruncate) followed.</summary>
    public long Truncations;

    /// <inheritdoc />
    public override IEnumerable<KeyValuePair<string, long>> ReadCounters() =>
        base.ReadCounters().Concat([new("rotations", Interlocked.Read(ref Rotations)), new("truncations", Interlocked.Read(ref Truncations))]);
}
