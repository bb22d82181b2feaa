namespace FlowRelay.Protocols.Templates;

/// <summary>The JSON shape of a saved <see cref="TemplateCache"/> (kept separate so the runtime types stay free to change).</summary>
internal sealed class TemplateCacheFile
{
    public const string FormatName = "flowrelay-templates";
    public const int CurrentFormatVersion = 1;

    public string? Format { get; set; }
    public int FormatVersion { get; set; }
    public List<SavedTemplate>? Templates { get; set; }
    public List<SavedDomain>? Domains { get; set; }
    public List<SavedSampler>? Samplers { get; set; }

    internal sealed class SavedTemplate
    {
        public string? Exporter { get; set; }
        public uint Domain { get; set; }
        public ushort Id { get; set; }
        public ushort Version { get; set; }
        public bool Options { get; set; }
        public int ScopeFields { get; set; }
        public long RefreshedNs { get; set; }
        /// <summary>Each field as [elementId, enterpriseNumber, length].</summary>
        public List<uint[]>? Fields { get; set; }
    }

    internal sealed class SavedDomain
    {
        public string? Exporter { get; set; }
        public uint Domain { get; set; }
        public ushort Version { get; set; }
        public uint Rate { get; set; }
        public long SystemInitMs { get; set; } = -1;
        public long RefreshedNs { get; set; }
    }

    internal sealed class SavedSampler
    {
        public string? Exporter { get; set; }
        public uint Domain { get; set; }
        public ushort Version { get; set; }
        public ulong Id { get; set; }
        public uint Rate { get; set; }
        public long RefreshedNs { get; set; }
    }
}
