using System.Globalization;
using FlowRelay.Config;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace FlowRelay.Stats;

/// <summary>
/// Every stats_interval: logs a one-line summary and rewrites <c>&lt;data_dir&gt;/stats.json</c>.
/// Decoder counters come from a snapshot the pipeline thread takes on request (the decoder is
/// single-threaded); listener and sink counters are read directly (longs, at worst a little stale).
/// </summary>
public sealed class StatsReporter : BackgroundService
{
    private readonly RelaySettings _settings;
    private readonly RelayStatsSource _source;
    private readonly ILogger<StatsReporter> _logger;
    private readonly TimeProvider _time;
    private readonly Dictionary<string, string> _exporterNames;
    private readonly DateTimeOffset _started;

    public StatsReporter(RelaySettings settings, RelayStatsSource source, ILogger<StatsReporter> logger, TimeProvider? time = null)
    {
        _settings = settings;
        _source = source;
        _logger = logger;
        _time = time ?? TimeProvider.System;
        _started = _time.GetUtcNow();
        _exporterNames = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var e in settings.Exporters)
        {
            if (ExporterSettings.TryParseAddress(e.Address, out var a)) _exporterNames[a.ToString()] = e.Name;
        }
    }

    /// <summary>Where the full stats are written.</summary>
    public string StatsPath => Path.Combine(_settings.DataDir, "stats.json");

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(_settings.StatsInterval.Value, _time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
            {
                DecoderSnapshot? snapshot;
                try
                {
                    snapshot = await _source.Pipeline.RequestSnapshotAsync().WaitAsync(TimeSpan.FromSeconds(5), stoppingToken).ConfigureAwait(false);
                }
                catch (TimeoutException)
                {
                    snapshot = _source.Pipeline.Latest;
                }
                Report(snapshot);
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    /// <summary>Writes the final figures after the pipeline has drained (this service stops after it).</summary>
    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken).ConfigureAwait(false);
        Report(_source.Pipeline.Latest);
    }

    /// <summary>Logs the summary line and writes stats.json.</summary>
    public void Report(DecoderSnapshot? snapshot)
    {
        _logger.LogInformation("{Summary}", Summary(snapshot));
        try
        {
            StatsJsonWriter.WriteFile(StatsPath, _source, snapshot, _exporterNames, _time.GetUtcNow(), _started);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            _logger.LogWarning("stats: cannot write {Path}: {Error}", StatsPath, e.Message);
        }
    }

    /// <summary>The one-line summary.</summary>
    public string Summary(DecoderSnapshot? d)
    {
        long datagrams = _source.Receivers.Sum(r => Interlocked.Read(ref r.Counters.Datagrams));
        long dropped = _source.Receivers.Sum(r => Interlocked.Read(ref r.Counters.DroppedQueueFull));
        var p = _source.Pipeline;
        long filesWritten = _source.Ndjson?.Counters.FilesWritten ?? 0;
        return string.Create(CultureInfo.InvariantCulture,
            $"stats: packets={datagrams} records={d?.Total.Records ?? 0} emitted={Volatile.Read(ref p.Events)} dropped(queue)={dropped} " +
            $"decode_errors={(d is null ? 0 : DecoderSnapshot.ErrorSum(d.Total))} templates={d?.TemplatesKnown ?? 0} waiting={d?.SetsWaiting ?? 0} " +
            $"exporters={d?.Exporters.Count ?? 0} files={filesWritten} queue={_source.Channel.Count}/{_source.Channel.Capacity}");
    }
}
