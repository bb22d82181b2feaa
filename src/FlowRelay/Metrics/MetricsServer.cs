using System.Net;
using System.Text;
using System.Text.Json;
using FlowRelay.Config;
using FlowRelay.Stats;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Prometheus;

namespace FlowRelay.Metrics;

/// <summary>
/// Serves /metrics (Prometheus text, written by prometheus-net), /healthz (the process answers)
/// and /readyz (listeners bound, pipeline running) over HttpListener, so the relay needs no web
/// framework. Each scrape takes a fresh stats document (a decoder snapshot asked of the
/// pipeline thread, at most one second's wait, else the latest one).
/// </summary>
public sealed class MetricsServer : BackgroundService
{
    private readonly IPEndPoint _endpoint;
    private readonly RelayStatsSource _source;
    private readonly RelayReadiness _readiness;
    private readonly ILogger<MetricsServer> _logger;
    private readonly CollectorRegistry _registry = Prometheus.Metrics.NewCustomRegistry();
    private readonly DateTimeOffset _started = DateTimeOffset.UtcNow;
    private HttpListener? _listener;

    public MetricsServer(RelaySettings settings, RelayStatsSource source, RelayReadiness readiness, ILogger<MetricsServer> logger)
    {
        _endpoint = settings.Metrics.ListenEndpoint();
        _source = source;
        _readiness = readiness;
        _logger = logger;
        Stats = new StatsMetrics(_registry, settings.Metrics.MaxExporterLabels);
        _registry.AddBeforeCollectCallback(async cancel => await RefreshAsync(cancel).ConfigureAwait(false));
        // Process CPU, memory, GC and thread figures: what a soak watches.
        DotNetStats.Register(_registry);
    }

    /// <summary>The stats.json-derived metrics.</summary>
    public StatsMetrics Stats { get; }

    /// <summary>The registry served on /metrics.</summary>
    public CollectorRegistry Registry => _registry;

    /// <summary>Binds before the host reports started, so a taken port stops start-up with a clear message.</summary>
    public override Task StartAsync(CancellationToken cancellationToken)
    {
        string host = _endpoint.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 ? $"[{_endpoint.Address}]" : _endpoint.Address.ToString();
        if (_endpoint.Address.Equals(IPAddress.Any) || _endpoint.Address.Equals(IPAddress.IPv6Any)) host = "+";
        var listener = new HttpListener();
        listener.Prefixes.Add($"http://{host}:{_endpoint.Port}/");
        try
        {
            listener.Start();
        }
        catch (HttpListenerException e)
        {
            throw new InvalidOperationException($"cannot serve metrics on http://{_endpoint}: {e.Message}", e);
        }
        _listener = listener;
        _logger.LogInformation("metrics on http://{Endpoint}/metrics (also /healthz, /readyz)", _endpoint);
        return base.StartAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var listener = _listener!;
        using var stop = stoppingToken.Register(() => listener.Stop());
        while (!stoppingToken.IsCancellationRequested)
        {
            HttpListenerContext context;
            try
            {
                context = await listener.GetContextAsync().ConfigureAwait(false);
            }
            catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                break;
            }
            // One request at a time is plenty for a scraper and bounds what the endpoint can cost.
            await ServeAsync(context, stoppingToken).ConfigureAwait(false);
        }
    }

    private async Task ServeAsync(HttpListenerContext context, CancellationToken cancel)
    {
        var response = context.Response;
        try
        {
            switch (context.Request.Url?.AbsolutePath)
            {
                case "/metrics":
                    response.ContentType = "text/plain; version=0.0.4; charset=utf-8";
                    await _registry.CollectAndExportAsTextAsync(response.OutputStream, cancel).ConfigureAwait(false);
                    break;
                case "/healthz":
                    await WriteText(response, 200, "ok\n").ConfigureAwait(false);
                    break;
                case "/readyz":
                    string? reason = _readiness.NotReadyReason();
                    await WriteText(response, reason is null ? 200 : 503, reason is null ? "ready\n" : $"not ready: {reason}\n").ConfigureAwait(false);
                    break;
                default:
                    await WriteText(response, 404, "not found: try /metrics, /healthz or /readyz\n").ConfigureAwait(false);
                    break;
            }
        }
        catch (Exception e) when (e is HttpListenerException or IOException or OperationCanceledException)
        {
            // The scraper went away; nothing to do.
        }
        catch (Exception e)
        {
            _logger.LogWarning(e, "metrics: request {Path} failed", context.Request.Url?.AbsolutePath);
            try { response.StatusCode = 500; } catch (InvalidOperationException) { }
        }
        finally
        {
            try { response.Close(); } catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or InvalidOperationException) { }
        }
    }

    private static async Task WriteText(HttpListenerResponse response, int status, string text)
    {
        response.StatusCode = status;
        response.ContentType = "text/plain; charset=utf-8";
        var bytes = Encoding.UTF8.GetBytes(text);
        response.ContentLength64 = bytes.Length;
        await response.OutputStream.WriteAsync(bytes).ConfigureAwait(false);
    }

    /// <summary>Rebuilds the stats document and updates the metrics from it.</summary>
    internal async Task RefreshAsync(CancellationToken cancel)
    {
        DecoderSnapshot? snapshot;
        try
        {
            snapshot = await _source.Pipeline.RequestSnapshotAsync().WaitAsync(TimeSpan.FromSeconds(1), cancel).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            snapshot = _source.Pipeline.Latest;
        }
        var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            StatsJsonWriter.Write(json, _source, snapshot, new Dictionary<string, string>(), DateTimeOffset.UtcNow, _started);
        }
        using var doc = JsonDocument.Parse(buffer.GetBuffer().AsMemory(0, (int)buffer.Length));
        Stats.Update(doc.RootElement);
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        _listener?.Stop();
        await base.StopAsync(cancellationToken).ConfigureAwait(false);
    }

    public override void Dispose()
    {
        _listener?.Close();
        base.Dispose();
    }
}
