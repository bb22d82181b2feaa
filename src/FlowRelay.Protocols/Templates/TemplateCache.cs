using System.Net;
using System.Text.Json;
using FlowRelay.Protocols.Flows;

namespace FlowRelay.Protocols.Templates;

/// <summary>
/// Templates keyed by (exporter address, source id / observation domain, template id), bounded,
/// expiring, and persistable so a restart does not lose them. Also keeps what options data said
/// (sampler rates, systemInitTimeMilliseconds), because decoding later data depends on it just
/// as much as on the template. Not thread-safe: owned by one <see cref="FlowDecoder"/>.
/// </summary>
public sealed class TemplateCache
{
    private static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        WriteIndented = false,
        MaxDepth = 8,
    };

    private readonly FlowDecoderOptions _options;
    private readonly FlowDecoderCounters _counters;
    private readonly BoundedLru<TemplateKey, FlowTemplate> _templates;
    // Options-derived state is bounded by the same limit as templates: a spoofing flood must not
    // grow it either.
    private readonly BoundedLru<DomainKey, DomainState> _domains;
    private readonly BoundedLru<SamplerKey, SamplerState> _samplers;
    // Template ids per domain, so withdrawing all of a domain's templates (RFC 7011 §8.1) costs
    // the domain's templates, not a scan of every exporter's: a flood of withdrawal messages
    // must not turn into a CPU amplifier.
    private readonly Dictionary<DomainKey, List<ushort>> _byDomain = new();
    private readonly Action<TemplateKey, FlowTemplate> _unindex;

    /// <summary>A cache with default limits.</summary>
    public TemplateCache() : this(new FlowDecoderOptions(), new FlowDecoderCounters()) { }

    /// <summary>A cache bounded by <paramref name="options"/>, counting evictions in <paramref name="counters"/>.</summary>
    public TemplateCache(FlowDecoderOptions options, FlowDecoderCounters counters)
    {
        _options = options;
        _counters = counters;
        _templates = new(options.MaxTemplates);
        _domains = new(options.MaxTemplates);
        _samplers = new(options.MaxTemplates);
        _unindex = (key, _) => Unindex(key);
    }

    /// <summary>Number of templates (data and options) currently known.</summary>
    public int Count => _templates.Count;

    /// <summary>Number of samplers and observation domains with options-derived state.</summary>
    public int OptionsStateCount => _domains.Count + _samplers.Count;

    /// <summary>Domains with at least one template (bounded by the template count).</summary>
    internal int IndexedDomainCount => _byDomain.Count;

    /// <summary>Why the last <see cref="Load"/> loaded nothing; null after a successful load.</summary>
    public string? LastLoadError { get; private set; }

    /// <summary>The templates, oldest refresh first (allocates; for inspection).</summary>
    public IReadOnlyList<FlowTemplate> Snapshot() => _templates.Items.Select(kv => kv.Value).ToList();

    /// <summary>Looks a template up.</summary>
    public bool TryGet(in TemplateKey key, out FlowTemplate template) => _templates.TryGetValue(key, out template);

    internal void Add(FlowTemplate template, long nowNs)
    {
        template.LastRefreshNs = nowNs;
        Put(template);
    }

    private void Put(FlowTemplate template)
    {
        bool known = _templates.TryGetValue(template.Key, out _);
        _counters.TemplatesEvicted += _templates.Set(template.Key, template, _unindex);
        if (!known) Index(template.Key);
    }

    private void Index(in TemplateKey key)
    {
        var domain = new DomainKey(key.Exporter, key.DomainId, key.Version);
        if (!_byDomain.TryGetValue(domain, out var ids)) _byDomain[domain] = ids = new List<ushort>(4);
        ids.Add(key.TemplateId);
    }

    private void Unindex(in TemplateKey key)
    {
        var domain = new DomainKey(key.Exporter, key.DomainId, key.Version);
        if (!_byDomain.TryGetValue(domain, out var ids)) return;
        ids.Remove(key.TemplateId);
        if (ids.Count == 0) _byDomain.Remove(domain);
    }

    /// <summary>Marks an unchanged template as re-announced (RFC 7011 §8.4: refreshes its lifetime).</summary>
    internal void Refresh(FlowTemplate template, long nowNs)
    {
        template.LastRefreshNs = nowNs;
        _templates.Touch(template.Key);
    }

    internal bool Withdraw(in TemplateKey key)
    {
        if (!_templates.Remove(key)) return false;
        Unindex(key);
        return true;
    }

    /// <summary>RFC 7011 §8.1: withdraw every data (or options) template of one observation domain.</summary>
    internal int WithdrawAll(IpAddr exporter, uint domain, ushort version, bool options)
    {
        if (!_byDomain.TryGetValue(new DomainKey(exporter, domain, version), out var ids)) return 0;
        int n = 0;
        foreach (var id in ids.ToArray())
        {
            var key = new TemplateKey(exporter, domain, id, version);
            if (_templates.TryGetValue(key, out var t) && t.IsOptions == options && Withdraw(key)) n++;
        }
        return n;
    }

    internal DomainState? GetDomain(in DomainKey key) => _domains.TryGetValue(key, out var d) ? d : null;

    internal DomainState GetOrAddDomain(in DomainKey key, long nowNs)
    {
        if (_domains.TryGetValue(key, out var d)) _domains.Touch(key);
        else _domains.Set(key, d = new DomainState());
        d.LastRefreshNs = nowNs;
        return d;
    }

    internal bool TryGetSamplerRate(in SamplerKey key, out uint rate)
    {
        if (_samplers.TryGetValue(key, out var s))
        {
            rate = s.Rate;
            return true;
        }
        rate = 0;
        return false;
    }

    internal void SetSampler(in SamplerKey key, uint rate, long nowNs)
    {
        if (_samplers.TryGetValue(key, out var s)) _samplers.Touch(key);
        else _samplers.Set(key, s = new SamplerState());
        s.Rate = rate;
        s.LastRefreshNs = nowNs;
    }

    /// <summary>Drops templates and options state not refreshed within the timeout; returns templates dropped.</summary>
    internal int Expire(long nowNs)
    {
        long cutoff = nowNs - _options.TemplateTimeout.Ticks * 100;
        int n = _templates.RemoveWhere((_, t) => t.LastRefreshNs < cutoff, _unindex);
        _counters.TemplatesExpired += n;
        _domains.RemoveWhere((_, d) => d.LastRefreshNs < cutoff);
        _samplers.RemoveWhere((_, s) => s.LastRefreshNs < cutoff);
        return n;
    }

    /// <summary>Writes every template (and sampler state) to <paramref name="stream"/> as JSON.</summary>
    public void Save(Stream stream)
    {
        var file = new TemplateCacheFile
        {
            Format = TemplateCacheFile.FormatName,
            FormatVersion = TemplateCacheFile.CurrentFormatVersion,
            Templates = _templates.Items.Select(kv => new TemplateCacheFile.SavedTemplate
            {
                Exporter = kv.Key.Exporter.ToString(),
                Domain = kv.Key.DomainId,
                Id = kv.Key.TemplateId,
                Version = kv.Key.Version,
                Options = kv.Value.IsOptions,
                ScopeFields = kv.Value.ScopeFieldCount,
                RefreshedNs = kv.Value.LastRefreshNs,
                Fields = kv.Value.Fields.Select(f => new uint[] { f.ElementId, f.EnterpriseNumber, f.Length }).ToList(),
            }).ToList(),
            Domains = _domains.Items.Select(kv => new TemplateCacheFile.SavedDomain
            {
                Exporter = kv.Key.Exporter.ToString(),
                Domain = kv.Key.DomainId,
                Version = kv.Key.Version,
                Rate = kv.Value.Rate,
                SystemInitMs = kv.Value.SystemInitMs,
                RefreshedNs = kv.Value.LastRefreshNs,
            }).ToList(),
            Samplers = _samplers.Items.Select(kv => new TemplateCacheFile.SavedSampler
            {
                Exporter = kv.Key.Exporter.ToString(),
                Domain = kv.Key.DomainId,
                Version = kv.Key.Version,
                Id = kv.Key.SamplerId,
                Rate = kv.Value.Rate,
                RefreshedNs = kv.Value.LastRefreshNs,
            }).ToList(),
        };
        JsonSerializer.Serialize(stream, file, Json);
    }

    /// <summary>
    /// Loads templates saved by <see cref="Save"/>; returns how many were loaded. A bad file loads
    /// nothing, does not throw, and leaves the reason in <see cref="LastLoadError"/>.
    /// </summary>
    public int Load(Stream stream)
    {
        var templates = new List<FlowTemplate>();
        var domains = new List<(DomainKey Key, DomainState State)>();
        var samplers = new List<(SamplerKey Key, uint Rate, long Ns)>();
        try
        {
            var file = JsonSerializer.Deserialize<TemplateCacheFile>(stream, Json);
            if (file is null) return Fail("the file is empty or 'null'");
            if (file.Format != TemplateCacheFile.FormatName) return Fail($"format is '{file.Format}', expected '{TemplateCacheFile.FormatName}'");
            if (file.FormatVersion != TemplateCacheFile.CurrentFormatVersion) return Fail($"formatVersion {file.FormatVersion} is not supported (expected {TemplateCacheFile.CurrentFormatVersion})");
            int i = 0;
            foreach (var t in file.Templates ?? [])
            {
                i++;
                if (t is null) return Fail($"template #{i} is null");
                if (!TryParseExporter(t.Exporter, out var exporter)) return Fail($"template #{i}: exporter '{t.Exporter}' is not an IP address");
                if (t.Version is not (9 or 10)) return Fail($"template #{i}: version {t.Version} is not 9 or 10");
                if (t.Id < 256) return Fail($"template #{i}: id {t.Id} is below 256");
                if (t.Fields is not { Count: > 0 and <= 16383 }) return Fail($"template #{i}: needs 1..16383 fields");
                if (t.ScopeFields < 0 || t.ScopeFields > t.Fields.Count || (t.Options && t.ScopeFields == 0 && t.Version == 10))
                    return Fail($"template #{i}: scopeFields {t.ScopeFields} is invalid");
                var fields = new TemplateField[t.Fields.Count];
                for (int f = 0; f < fields.Length; f++)
                {
                    var a = t.Fields[f];
                    // v9 field types use all 16 bits (Cisco ASA's 33000+); IPFIX ids are 15 bits plus the enterprise bit.
                    uint maxId = t.Version == 10 ? 0x7FFFu : 0xFFFFu;
                    if (a is not { Length: 3 } || a[0] > maxId || a[2] is 0 or > 0xFFFF || (t.Version == 9 && a[1] != 0))
                        return Fail($"template #{i} field #{f + 1}: expected [elementId<={maxId}, enterprise, length 1..65535]");
                    fields[f] = new TemplateField((ushort)a[0], a[1], (ushort)a[2]);
                }
                var key = new TemplateKey(exporter, t.Domain, t.Id, t.Version);
                templates.Add(new FlowTemplate(key, t.Options, t.Options ? t.ScopeFields : 0, fields) { LastRefreshNs = t.RefreshedNs });
            }
            i = 0;
            foreach (var d in file.Domains ?? [])
            {
                i++;
                if (d is null || !TryParseExporter(d.Exporter, out var exporter)) return Fail($"domain #{i}: exporter is not an IP address");
                domains.Add((new DomainKey(exporter, d.Domain, d.Version), new DomainState { Rate = d.Rate, SystemInitMs = d.SystemInitMs, LastRefreshNs = d.RefreshedNs }));
            }
            i = 0;
            foreach (var s in file.Samplers ?? [])
            {
                i++;
                if (s is null || !TryParseExporter(s.Exporter, out var exporter)) return Fail($"sampler #{i}: exporter is not an IP address");
                if (s.Rate == 0) return Fail($"sampler #{i}: rate 0");
                samplers.Add((new SamplerKey(exporter, s.Domain, s.Version, s.Id), s.Rate, s.RefreshedNs));
            }
        }
        catch (JsonException e)
        {
            return Fail($"not valid template JSON: {e.Message}");
        }
        catch (Exception e) when (e is IOException or NotSupportedException or InvalidOperationException or ArgumentException)
        {
            return Fail($"{e.GetType().Name}: {e.Message}");
        }

        // Oldest first, so the bounded maps keep the youngest when the file holds more than fit.
        foreach (var t in templates.OrderBy(t => t.LastRefreshNs)) Put(t);
        foreach (var (key, state) in domains.OrderBy(d => d.State.LastRefreshNs)) _domains.Set(key, state);
        foreach (var (key, rate, ns) in samplers.OrderBy(s => s.Ns)) _samplers.Set(key, new SamplerState { Rate = rate, LastRefreshNs = ns });
        LastLoadError = null;
        return templates.Count;

        int Fail(string why)
        {
            LastLoadError = why;
            return 0;
        }
    }

    private static bool TryParseExporter(string? text, out IpAddr address)
    {
        address = default;
        if (text is null || !IPAddress.TryParse(text, out var ip)) return false;
        address = IpAddr.From(ip);
        return true;
    }
}
