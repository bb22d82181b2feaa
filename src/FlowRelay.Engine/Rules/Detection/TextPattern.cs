using System.Text;

namespace FlowRelay.Engine.Rules.Detection;

/// <summary>
/// A Sigma string value precompiled to UTF-8: exact, prefix, suffix or substring when its only
/// wildcards are at the ends (the common case, a span operation), a general glob otherwise.
/// <c>*</c> and <c>?</c> are wildcards; <c>\*</c>, <c>\?</c> and <c>\\</c> are literals (Sigma spec, "Escaping").
/// </summary>
internal sealed class TextPattern
{
    private enum Kind { Exact, Prefix, Suffix, Contains, Any, Glob }

    private const short Star = -1, One = -2;
    private readonly Kind _kind;
    private readonly byte[] _literal;
    private readonly short[] _glob;

    private TextPattern(Kind kind, byte[] literal, short[] glob)
    {
        _kind = kind;
        _literal = literal;
        _glob = glob;
    }

    /// <summary>Compiles <paramref name="value"/>; lower-cased unless <paramref name="cased"/>.</summary>
    public static TextPattern Compile(string value, bool cased)
    {
        if (!cased) value = value.ToLowerInvariant();
        var tokens = new List<short>();
        Span<byte> utf8 = stackalloc byte[4];
        for (int i = 0; i < value.Length; i++)
        {
            char c = value[i];
            if (c == '\\' && i + 1 < value.Length && value[i + 1] is '*' or '?' or '\\')
            {
                c = value[++i];
                AddLiteral(tokens, value, ref i, c, utf8);
                continue;
            }
            if (c == '*') tokens.Add(Star);
            else if (c == '?') tokens.Add(One);
            else AddLiteral(tokens, value, ref i, c, utf8);
        }
        int first = tokens.FindIndex(t => t < 0), last = tokens.FindLastIndex(t => t < 0);
        if (first < 0) return new TextPattern(Kind.Exact, Bytes(tokens), []);
        bool inner = tokens.Skip(1).Take(Math.Max(0, tokens.Count - 2)).Any(t => t < 0);
        if (tokens.All(t => t == Star)) return new TextPattern(Kind.Any, [], []);
        if (!inner && tokens.Count >= 2)
        {
            bool lead = tokens[0] == Star, trail = tokens[^1] == Star;
            if (lead && trail) return new TextPattern(Kind.Contains, Bytes(tokens[1..^1]), []);
            if (trail && first == tokens.Count - 1) return new TextPattern(Kind.Prefix, Bytes(tokens[..^1]), []);
            if (lead && last == 0) return new TextPattern(Kind.Suffix, Bytes(tokens[1..]), []);
        }
        return new TextPattern(Kind.Glob, [], tokens.ToArray());
    }

    private static void AddLiteral(List<short> tokens, string value, ref int i, char c, Span<byte> utf8)
    {
        int n = char.IsHighSurrogate(c) && i + 1 < value.Length
            ? Encoding.UTF8.GetBytes(value.AsSpan(i++, 2), utf8)
            : Encoding.UTF8.GetBytes(value.AsSpan(i, 1), utf8);
        foreach (byte b in utf8[..n]) tokens.Add(b);
    }

    private static byte[] Bytes(List<short> tokens) => tokens.Select(t => (byte)t).ToArray();

    /// <summary>Tests <paramref name="text"/> (already lower-cased when the pattern is not cased).</summary>
    public bool IsMatch(ReadOnlySpan<byte> text) => _kind switch
    {
        Kind.Exact => text.SequenceEqual(_literal),
        Kind.Prefix => text.StartsWith(_literal),
        Kind.Suffix => text.EndsWith(_literal),
        Kind.Contains => text.IndexOf(_literal) >= 0,
        Kind.Any => true,
        _ => Glob(text, _glob),
    };

    // Iterative wildcard match with single-star backtracking: linear in practice, no recursion.
    private static bool Glob(ReadOnlySpan<byte> text, short[] p)
    {
        int t = 0, i = 0, starP = -1, starT = 0;
        while (t < text.Length)
        {
            if (i < p.Length && (p[i] == One || p[i] == text[t]))
            {
                t++;
                i++;
            }
            else if (i < p.Length && p[i] == Star)
            {
                starP = i++;
                starT = t;
            }
            else if (starP >= 0)
            {
                i = starP + 1;
                t = ++starT;
            }
            else return false;
        }
        while (i < p.Length && p[i] == Star) i++;
        return i == p.Length;
    }
}
