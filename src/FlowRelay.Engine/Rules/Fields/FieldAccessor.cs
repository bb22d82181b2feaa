using System.Buffers.Text;
using FlowRelay.Protocols.Flows;

namespace FlowRelay.Engine.Rules.Fields;

/// <summary>
/// One named event field resolved at compile time: its kind and a typed getter. Rules never look
/// fields up by name while events flow; the compiler binds each condition to one of these.
/// </summary>
public sealed class FieldAccessor<T> where T : struct
{
    /// <summary>
    /// Longest text any field yields. A DNS name is at most 253 bytes on the wire, but resolvers log
    /// bytes outside printable ASCII as <c>\DDD</c> (and ECS keeps that form), so a name as logged can
    /// reach about 1,012 characters; iodine's Base128 encoding makes such names. Text longer than this
    /// counts as absent. Stack buffers of this size are not zeroed (<c>SkipLocalsInit</c>): every
    /// reader writes before it reads.
    /// </summary>
    public const int MaxTextLength = 1024;

    private FieldAccessor(string name, FieldKind kind, IpGetter<T>? ip, NumberGetter<T>? number, TextGetter<T>? text)
    {
        Name = name;
        Kind = kind;
        Ip = ip;
        Number = number;
        Text = text;
    }

    /// <summary>ECS (or flowrelay.*) field name.</summary>
    public string Name { get; }

    public FieldKind Kind { get; }

    public IpGetter<T>? Ip { get; }

    public NumberGetter<T>? Number { get; }

    public TextGetter<T>? Text { get; }

    public static FieldAccessor<T> ForIp(string name, IpGetter<T> getter) => new(name, FieldKind.Ip, getter, null, null);

    public static FieldAccessor<T> ForNumber(string name, NumberGetter<T> getter) => new(name, FieldKind.Number, null, getter, null);

    public static FieldAccessor<T> ForText(string name, TextGetter<T> getter) => new(name, FieldKind.Text, null, null, getter);

    /// <summary>
    /// A text field whose value is always one of <paramref name="choices"/> (at most 64; an enum
    /// such as <c>network.direction</c>). It reads as text like any other, and string conditions on
    /// it compile to a set of choice indexes (<see cref="Detection.ChoiceMatcher{T}"/>), so matching
    /// reads a number instead of copying and comparing text per event.
    /// </summary>
    public static FieldAccessor<T> ForChoice(string name, ChoiceGetter<T> getter, string[] choices)
    {
        if (choices.Length is 0 or > 64) throw new ArgumentOutOfRangeException(nameof(choices), "a choice field has 1 to 64 values");
        var utf8 = choices.Select(System.Text.Encoding.UTF8.GetBytes).ToArray();
        return new(name, FieldKind.Text, null, null, (in T e, Span<byte> d) =>
        {
            int i = getter(in e);
            if (i < 0 || utf8[i].Length > d.Length) return -1;
            utf8[i].CopyTo(d);
            return utf8[i].Length;
        })
        {
            Choice = getter,
            Choices = choices,
        };
    }

    /// <summary>For a field made by <see cref="ForChoice"/>: the index of the event's value, else null.</summary>
    public ChoiceGetter<T>? Choice { get; private init; }

    /// <summary>For a field made by <see cref="ForChoice"/>: every value it can have, else null.</summary>
    public string[]? Choices { get; private init; }

    /// <summary>True when the event carries the field.</summary>
    [System.Runtime.CompilerServices.SkipLocalsInit]
    public bool Exists(in T e)
    {
        Span<byte> scratch = stackalloc byte[MaxTextLength];
        return Kind switch
        {
            FieldKind.Ip => Ip!(in e, out _),
            FieldKind.Number => Number!(in e, out _),
            _ => Text!(in e, scratch) >= 0,
        };
    }

    /// <summary>
    /// The field as UTF-8 text (addresses in RFC 5952 form, numbers in decimal), for string
    /// modifiers applied to a non-text field. Returns the length, or -1 when absent.
    /// </summary>
    public int FormatText(in T e, Span<byte> destination)
    {
        switch (Kind)
        {
            case FieldKind.Ip:
                if (!Ip!(in e, out var a) || !a.TryFormat(destination, out int w)) return -1;
                return w;
            case FieldKind.Number:
                if (!Number!(in e, out long n) || !Utf8Formatter.TryFormat(n, destination, out int nw)) return -1;
                return nw;
            default:
                return Text!(in e, destination);
        }
    }

    /// <summary>The field as a string for alert documents (allocates; only when an alert is raised).</summary>
    [System.Runtime.CompilerServices.SkipLocalsInit]
    public string? ToDisplayString(in T e)
    {
        Span<byte> buffer = stackalloc byte[MaxTextLength];
        int n = FormatText(in e, buffer);
        return n < 0 ? null : System.Text.Encoding.UTF8.GetString(buffer[..n]);
    }
}
