namespace FlowRelay.Protocols.Templates;

/// <summary>
/// A learned template (data or options), kept as announced and precompiled for decoding.
/// </summary>
public sealed class FlowTemplate
{
    internal readonly CompiledField[] Compiled;

    /// <summary>Creates and compiles a template.</summary>
    public FlowTemplate(TemplateKey key, bool isOptions, int scopeFieldCount, TemplateField[] fields)
    {
        Key = key;
        IsOptions = isOptions;
        ScopeFieldCount = scopeFieldCount;
        Fields = fields;
        Compiled = new CompiledField[fields.Length];
        int min = 0;
        bool variable = false;
        for (int i = 0; i < fields.Length; i++)
        {
            Compiled[i] = FieldCompiler.Compile(fields[i], key.Version, i < scopeFieldCount);
            if (fields[i].IsVariableLength)
            {
                variable = true;
                min += 1; // RFC 7011 §7: at least the one-byte length prefix.
            }
            else min += fields[i].Length;
        }
        MinRecordLength = min;
        IsVariableLength = variable;
    }

    /// <summary>Who announced it and its id.</summary>
    public TemplateKey Key { get; }

    /// <summary>True for an options template (its data describes the exporter, not flows).</summary>
    public bool IsOptions { get; }

    /// <summary>How many leading fields are scope fields (options templates only).</summary>
    public int ScopeFieldCount { get; }

    /// <summary>The fields as announced.</summary>
    public IReadOnlyList<TemplateField> Fields { get; }

    /// <summary>Length of the shortest possible record; a set's remainder below this is padding (RFC 7011 §3.3.1).</summary>
    public int MinRecordLength { get; }

    /// <summary>True when at least one field is variable-length.</summary>
    public bool IsVariableLength { get; }

    /// <summary>When the template was last (re)announced, Unix ns.</summary>
    public long LastRefreshNs { get; internal set; }
}
