using System.Text.RegularExpressions;
using FlowRelay.Engine.Rules.Detection;
using YamlDotNet.Core;

namespace FlowRelay.Engine.Rules.Loading;

/// <summary>
/// Parses a Sigma condition — <c>and</c>, <c>or</c>, <c>not</c>, parentheses, <c>1 of x*</c>,
/// <c>all of x*</c>, <c>N of them</c> — into matchers over the compiled search identifiers.
/// Precedence (Sigma rules spec): not binds tighter than and, and tighter than or.
/// Identifiers starting with "_" are left out of <c>them</c>, as the spec says.
/// </summary>
internal sealed class ConditionParser<T> where T : struct
{
    private readonly List<string> _tokens;
    private readonly Dictionary<string, Matcher<T>> _searches;
    private readonly Mark _at;
    private readonly string _text;
    private int _pos;

    private ConditionParser(string text, Dictionary<string, Matcher<T>> searches, Mark at)
    {
        _text = text;
        _searches = searches;
        _at = at;
        _tokens = Regex.Matches(text, @"\(|\)|[^\s()]+").Select(m => m.Value).ToList();
    }

    public static Matcher<T> Parse(string text, Dictionary<string, Matcher<T>> searches, Mark at)
    {
        var p = new ConditionParser<T>(text, searches, at);
        if (text.Contains('|')) throw p.Error("aggregation expressions ('| count() ...') are not supported: use a correlation rule");
        var m = p.ParseOr();
        if (p._pos < p._tokens.Count) throw p.Error($"unexpected '{p._tokens[p._pos]}'");
        return m;
    }

    private RuleException Error(string why) => new(_at, $"condition '{_text}': {why}");

    private string? Peek => _pos < _tokens.Count ? _tokens[_pos] : null;

    private bool Accept(string word)
    {
        if (Peek is { } t && t.Equals(word, StringComparison.OrdinalIgnoreCase))
        {
            _pos++;
            return true;
        }
        return false;
    }

    private Matcher<T> ParseOr()
    {
        var parts = new List<Matcher<T>> { ParseAnd() };
        while (Accept("or")) parts.Add(ParseAnd());
        return parts.Count == 1 ? parts[0] : new OrMatcher<T>(parts.ToArray());
    }

    private Matcher<T> ParseAnd()
    {
        var parts = new List<Matcher<T>> { ParseNot() };
        while (Accept("and")) parts.Add(ParseNot());
        return parts.Count == 1 ? parts[0] : new AndMatcher<T>(parts.ToArray());
    }

    private Matcher<T> ParseNot() => Accept("not") ? new NotMatcher<T>(ParseNot()) : ParsePrimary();

    private Matcher<T> ParsePrimary()
    {
        var t = Peek ?? throw Error("ends too early");
        if (t == "(")
        {
            _pos++;
            var inner = ParseOr();
            if (!Accept(")")) throw Error("missing ')'");
            return inner;
        }
        if (t is ")" || IsKeyword(t)) throw Error($"unexpected '{t}'");
        _pos++;
        if (Accept("of"))
        {
            var target = Peek ?? throw Error($"'{t} of' needs an identifier pattern or 'them'");
            _pos++;
            var selected = target == "them"
                ? _searches.Where(kv => !kv.Key.StartsWith('_')).Select(kv => kv.Value).ToArray()
                : _searches.Where(kv => Wildcard(target).IsMatch(kv.Key)).Select(kv => kv.Value).ToArray();
            if (selected.Length == 0) throw Error($"'{target}' matches no search identifier");
            if (t == "all") return selected.Length == 1 ? selected[0] : new AndMatcher<T>(selected);
            if (!int.TryParse(t, out int n) || n < 1) throw Error($"'{t} of': expected 'all' or a positive number");
            return n == 1 ? (selected.Length == 1 ? selected[0] : new OrMatcher<T>(selected)) : new AtLeastMatcher<T>(selected, n);
        }
        if (!_searches.TryGetValue(t, out var m)) throw Error($"unknown search identifier '{t}' (defined: {string.Join(", ", _searches.Keys)})");
        return m;
    }

    private static bool IsKeyword(string t) => t.Equals("and", StringComparison.OrdinalIgnoreCase) || t.Equals("or", StringComparison.OrdinalIgnoreCase) || t.Equals("of", StringComparison.OrdinalIgnoreCase);

    private static Regex Wildcard(string pattern) => new("^" + Regex.Escape(pattern).Replace(@"\*", ".*") + "$");
}
