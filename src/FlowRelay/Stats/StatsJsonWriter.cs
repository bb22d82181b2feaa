using System.Globalization;
using System.Text.Json;
using FlowRelay.Config;
using FlowRelay.Engine.Counters;
using FlowRelay.Protocols;

namespace FlowRelay.Stats;

/// <summary>Writes the full counter set as <c>stats.json</c>, atomically (temporary file, then rename).</summary>
public static class StatsJsonWriter
{
    private static readonly string[] ErrorNames = Enum.GetNames<DecodeStatus>().Select(SnakeCase).ToArray();

    /// <summary>Writes the stats document to <paramref name="path"/>.</summary>
    public static void WriteFile(string path, RelayStatsSource source, DecoderSnapshot? decoder, IReadOnlyDictionary<string, string> exporterNames, DateTimeOffset now, DateTimeOffset started)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        string temp = path + ".tmp";
        using (var stream = new FileStream(temp, FileMode.Create, FileAccess.Write, FileShare.None))
        using (var json = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true }))
        {
            Write(json, source, decoder, exporterNames, now, started);
        }
        File.Move(temp, path, overwrite: true);
    }

    /// <summary>Writes the stats document to <paramref name="json"/>.</summary>
    public static void Write(Utf8JsonWriter json, RelayStatsSource source, DecoderSnapshot? decoder, IReadOnlyDictionary<string, string> exporterNames, DateTimeOffset now, DateTimeOffset started)
    {
        json.WriteStartObject();
        json.WriteString("time", now);
        json.WriteString("started", started);
        json.WriteNumber("uptime_seconds", (long)(now - started).TotalSeconds);

        json.WriteStartObject("ingest");
        foreach (var r in source.Receivers) r.RefreshKernelDrops();
        json.WriteNumber("datagrams", source.Receivers.Sum(r => Interlocked.Read(ref r.Counters.Datagrams)));
        json.WriteNumber("bytes", source.Receivers.Sum(r => Interlocked.Read(ref r.Counters.Bytes)));
        json.WriteNumber("dropped_queue_full", source.Receivers.Sum(r => Interlocked.Read(ref r.Counters.DroppedQueueFull)));
        json.WriteNumber("queue_full_waits", source.Receivers.Sum(r => Interlocked.Read(ref r.Counters.QueueFullWaits)));
        json.WriteNumber("dropped_not_allowed", source.Receivers.Sum(r => Interlocked.Read(ref r.Counters.DroppedNotAllowed)));
        json.WriteNumber("dropped_rate_limited", source.Receivers.Sum(r => Interlocked.Read(ref r.Counters.DroppedRateLimited)));
        json.WriteNumber("dropped_by_kernel", source.Receivers.Sum(r => Interlocked.Read(ref r.Counters.DroppedByKernel)));
        json.WriteNumber("receive_errors", source.Receivers.Sum(r => Interlocked.Read(ref r.Counters.ReceiveErrors)));
        json.WriteNumber("queue_depth", source.Channel.Count);
        json.WriteNumber("queue_capacity", source.Channel.Capacity);
        json.WriteStartArray("listeners");
        foreach (var r in source.Receivers)
        {
            json.WriteStartObject();
            json.WriteString("address", (r.BoundEndpoint ?? r.ConfiguredEndpoint).ToString());
            json.WriteNumber("datagrams", Interlocked.Read(ref r.Counters.Datagrams));
            json.WriteNumber("bytes", Interlocked.Read(ref r.Counters.Bytes));
            json.WriteNumber("dropped_queue_full", Interlocked.Read(ref r.Counters.DroppedQueueFull));
            json.WriteNumber("queue_full_waits", Interlocked.Read(ref r.Counters.QueueFullWaits));
            json.WriteNumber("dropped_not_allowed", Interlocked.Read(ref r.Counters.DroppedNotAllowed));
            json.WriteNumber("dropped_rate_limited", Interlocked.Read(ref r.Counters.DroppedRateLimited));
            json.WriteNumber("dropped_by_kernel", Interlocked.Read(ref r.Counters.DroppedByKernel));
            json.WriteNumber("receive_errors", Interlocked.Read(ref r.Counters.ReceiveErrors));
            json.WriteEndObject();
        }
        json.WriteEndArray();
        json.WriteEndObject();

        var p = source.Pipeline;
        json.WriteStartObject("pipeline");
        json.WriteNumber("packets", Volatile.Read(ref p.Packets));
        json.WriteNumber("events", Volatile.Read(ref p.Events));
        json.WriteNumber("alerts", Volatile.Read(ref p.Alerts));
        json.WriteNumber("stage_errors", Interlocked.Read(ref p.StageErrors));
        var (rulesDepth, emitDepth) = p.BatchQueueDepths?.Invoke() ?? (0, 0);
        json.WriteNumber("rules_queue_depth", rulesDepth);
        json.WriteNumber("emit_queue_depth", emitDepth);
        json.WriteEndObject();

        if (decoder is not null)
        {
            json.WriteStartObject("decoder");
            if (decoder.Taken != default) json.WriteString("as_of", decoder.Taken);
            WriteExporterCounters(json, decoder.Total);
            json.WriteNumber("templates_known", decoder.TemplatesKnown);
            json.WriteNumber("templates_evicted", decoder.TemplatesEvicted);
            json.WriteNumber("templates_expired", decoder.TemplatesExpired);
            json.WriteNumber("exporters_evicted", decoder.ExportersEvicted);
            json.WriteNumber("sets_waiting", decoder.SetsWaiting);
            json.WriteNumber("bytes_waiting", decoder.BytesWaiting);
            json.WriteEndObject();

            json.WriteStartArray("exporters");
            foreach (var (address, counters) in decoder.Exporters.OrderBy(e => e.Key.ToString(), StringComparer.Ordinal))
            {
                json.WriteStartObject();
                string a = address.ToString();
                json.WriteString("address", a);
                if (exporterNames.TryGetValue(a, out var name) && name.Length > 0) json.WriteString("name", name);
                WriteExporterCounters(json, counters);
                if (counters.LastSeenNs > 0)
                    json.WriteString("last_seen", DateTimeOffset.UnixEpoch.AddTicks(counters.LastSeenNs / 100));
                json.WriteEndObject();
            }
            json.WriteEndArray();
        }

        WriteComponents(json, source.Components);

        if (source.Ndjson is { } nd)
        {
            json.WriteStartObject("outputs");
            json.WriteStartObject("ndjson");
            json.WriteString("path", nd.DirectoryPath);
            json.WriteNumber("events", Volatile.Read(ref nd.Counters.Events));
            json.WriteNumber("bytes", Volatile.Read(ref nd.Counters.Bytes));
            json.WriteNumber("files_written", Volatile.Read(ref nd.Counters.FilesWritten));
            json.WriteNumber("files_deleted", Volatile.Read(ref nd.Counters.FilesDeleted));
            json.WriteNumber("write_errors", Volatile.Read(ref nd.Counters.WriteErrors));
            json.WriteNumber("events_dropped", Volatile.Read(ref nd.Counters.EventsDropped));
            json.WriteEndObject();
            json.WriteEndObject();
        }
        json.WriteEndObject();
    }

    // "enrich.client_server" → {"enrich": {"client_server": {...}}}: one object per first segment.
    private static void WriteComponents(Utf8JsonWriter json, IReadOnlyList<ICounterSource> components)
    {
        foreach (var group in components.GroupBy(c => c.CounterSection.Split('.', 2)[0]))
        {
            json.WriteStartObject(group.Key);
            foreach (var component in group)
            {
                string[] parts = component.CounterSection.Split('.', 2);
                if (parts.Length > 1) json.WriteStartObject(parts[1]);
                foreach (var (name, value) in component.ReadCounters()) json.WriteNumber(name, value);
                if (parts.Length > 1) json.WriteEndObject();
            }
            json.WriteEndObject();
        }
    }

    private static void WriteExporterCounters(Utf8JsonWriter json, ExporterCounters c)
    {
        json.WriteNumber("packets", c.Packets);
        json.WriteNumber("bytes", c.Bytes);
        json.WriteNumber("records", c.Records);
        json.WriteNumber("templates_learned", c.TemplatesLearned);
        json.WriteNumber("templates_withdrawn", c.TemplatesWithdrawn);
        json.WriteNumber("sets_missing_template", c.SetsMissingTemplate);
        json.WriteNumber("records_decoded_late", c.RecordsDecodedLate);
        json.WriteNumber("sets_dropped_no_template", c.SetsDroppedNoTemplate);
        json.WriteNumber("records_dropped", c.RecordsDropped);
        json.WriteStartObject("errors");
        for (int i = 1; i < c.Errors.Length && i < ErrorNames.Length; i++)
            json.WriteNumber(ErrorNames[i], c.Errors[i]);
        json.WriteEndObject();
    }

    private static string SnakeCase(string name)
    {
        var sb = new System.Text.StringBuilder();
        for (int i = 0; i < name.Length; i++)
        {
            if (char.IsUpper(name[i]) && i > 0) sb.Append('_');
            sb.Append(char.ToLower(name[i], CultureInfo.InvariantCulture));
        }
        return sb.ToString();
    }
}
