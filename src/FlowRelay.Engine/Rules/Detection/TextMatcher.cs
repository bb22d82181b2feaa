using System.Text;
using FlowRelay.Engine.Rules.Fields;

namespace FlowRelay.Engine.Rules.Detection;

/// <summary>
/// A field's text (addresses and numbers formatted, so <c>contains</c> works on any field) against
/// string patterns. Sigma matches case-insensitively unless <c>cased</c>: the text is lower-cased
/// (ASCII) in a stack buffer and the patterns were lower-cased at compile time.
/// </summary>
internal sealed class TextMatcher<T>(FieldAccessor<T> field, TextPattern[] patterns, bool all, bool cased) : Matcher<T> where T : struct
{
    [System.Runtime.CompilerServices.SkipLocalsInit]
    public override bool Match(in T e)
    {
        Span<byte> buffer = stackalloc byte[FieldAccessor<T>.MaxTextLength];
        int n = field.FormatText(in e, buffer);
        return n >= 0 && Matches(buffer[..n], patterns, all, cased);
    }

    /// <summary>
    /// Whether <paramref name="text"/> (lower-cased in place unless <paramref name="cased"/>)
    /// matches every pattern (<paramref name="all"/>) or any; <see cref="ChoiceMatcher{T}"/> asks the
    /// same of each of a field's values at compile time.
    /// </summary>
    internal static bool Matches(Span<byte> text, TextPattern[] patterns, bool all, bool cased)
    {
        if (!cased) System.Text.Ascii.ToLowerInPlace(text, out _);
        foreach (var p in patterns)
        {
            if (p.IsMatch(text) != all) return !all;
        }
        return all;
    }
}

/// <summary>
/// A <see cref="TextMatcher{T}"/> for a field with a fixed set of values
/// (<see cref="FieldAccessor{T}.ForChoice"/>): the patterns were tried against every value at
/// compile time, so matching an event is one bit test on its value's index.
/// </summary>
internal sealed class ChoiceMatcher<T>(ChoiceGetter<T> choice, ulong matching) : Matcher<T> where T : struct
{
    public override bool Match(in T e)
    {
        int i = choice(in e);
        return i >= 0 && (matching >> i & 1) != 0;
    }

    /// <summary>The matcher <see cref="TextMatcher{T}"/> would be with these patterns, as a set of the field's values.</summary>
    public static ChoiceMatcher<T> Compile(FieldAccessor<T> field, TextPattern[] patterns, bool all, bool cased)
    {
        ulong matching = 0;
        for (int i = 0; i < field.Choices!.Length; i++)
        {
            if (TextMatcher<T>.Matches(Encoding.UTF8.GetBytes(field.Choices[i]), patterns, all, cased)) matching |= 1UL << i;
        }
        return new ChoiceMatcher<T>(field.Choice!, matching);
    }
}

/// <summary>A field's text against regular expressions (Sigma <c>re</c>, case-sensitive unless <c>re|i</c>).</summary>
internal sealed class RegexMatcher<T>(FieldAccessor<T> field, System.Text.RegularExpressions.Regex[] patterns, bool all) : Matcher<T> where T : struct
{
    [System.Runtime.CompilerServices.SkipLocalsInit]
    public override bool Match(in T e)
    {
        Span<byte> buffer = stackalloc byte[FieldAccessor<T>.MaxTextLength];
        int n = field.FormatText(in e, buffer);
        if (n < 0) return false;
        Span<char> chars = stackalloc char[FieldAccessor<T>.MaxTextLength];
        int c = Encoding.UTF8.GetChars(buffer[..n], chars);
        foreach (var r in patterns)
        {
            if (r.IsMatch(chars[..c]) != all) return !all;
        }
        return all;
    }
}

/// <summary><c>exists: true|false</c>, and <c>field: null</c> (the field is absent).</summary>
internal sealed class ExistsMatcher<T>(FieldAccessor<T> field, bool expected) : Matcher<T> where T : struct
{
    public override bool Match(in T e) => field.Exists(in e) == expected;
}

/// <summary><c>fieldref</c>: the field equals another field of the same event (compared as text, cased).</summary>
internal sealed class FieldRefMatcher<T>(FieldAccessor<T> field, FieldAccessor<T>[] others, bool all) : Matcher<T> where T : struct
{
    [System.Runtime.CompilerServices.SkipLocalsInit]
    public override bool Match(in T e)
    {
        Span<byte> a = stackalloc byte[FieldAccessor<T>.MaxTextLength];
        Span<byte> b = stackalloc byte[FieldAccessor<T>.MaxTextLength];
        int n = field.FormatText(in e, a);
        if (n < 0) return false;
        foreach (var o in others)
        {
            int m = o.FormatText(in e, b);
            bool hit = m >= 0 && a[..n].SequenceEqual(b[..m]);
            if (hit != all) return !all;
        }
        return all;
    }
}
