namespace FlowRelay.Protocols.Templates;

/// <summary>
/// Templates keyed by (exporter address, source id / observation domain, template id), bounded,
/// expiring, and persistable so a restart does not lose them.
/// </summary>
public sealed class TemplateCache
{
    // CONTRACT STUB — to be implemented (helper A).
    /// <summary>Number of templates (data and options) currently known.</summary>
    public int Count => throw new NotImplementedException();

    /// <summary>Writes every template (and sampler state) to <paramref name="stream"/>.</summary>
    public void Save(Stream stream) => throw new NotImplementedException();

    /// <summary>Loads templates saved by <see cref="Save"/>; returns how many were loaded. Bad files load nothing and say why.</summary>
    public int Load(Stream stream) => throw new NotImplementedException();
}
