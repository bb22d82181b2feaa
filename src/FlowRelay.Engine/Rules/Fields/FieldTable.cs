namespace FlowRelay.Engine.Rules.Fields;

/// <summary>
/// The fields rules may name for one event type (flows today, DNS queries next): a name → accessor
/// map built once. Adding a field is one line in the table's builder.
/// </summary>
public sealed class FieldTable<T> where T : struct
{
    private readonly Dictionary<string, FieldAccessor<T>> _fields = new(StringComparer.Ordinal);

    /// <summary>Sigma logsource this table serves, e.g. network/connection.</summary>
    public FieldTable(string category, string service)
    {
        Category = category;
        Service = service;
    }

    public string Category { get; }

    public string Service { get; }

    /// <summary>All field names, sorted (for error messages and docs).</summary>
    public IEnumerable<string> Names => _fields.Keys.Order(StringComparer.Ordinal);

    public FieldTable<T> Ip(string name, IpGetter<T> getter) => Add(FieldAccessor<T>.ForIp(name, getter));

    public FieldTable<T> Number(string name, NumberGetter<T> getter) => Add(FieldAccessor<T>.ForNumber(name, getter));

    public FieldTable<T> Text(string name, TextGetter<T> getter) => Add(FieldAccessor<T>.ForText(name, getter));

    public FieldTable<T> Choice(string name, ChoiceGetter<T> getter, params string[] choices) => Add(FieldAccessor<T>.ForChoice(name, getter, choices));

    public bool TryGet(string name, out FieldAccessor<T> accessor) => _fields.TryGetValue(name, out accessor!);

    private FieldTable<T> Add(FieldAccessor<T> accessor)
    {
        _fields.Add(accessor.Name, accessor);
        return this;
    }
}
