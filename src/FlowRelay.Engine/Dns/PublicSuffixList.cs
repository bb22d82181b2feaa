using System.Globalization;
using System.Text;

namespace FlowRelay.Engine.Dns;

/// <summary>
/// The Public Suffix List (https://publicsuffix.org/list/), ICANN and private sections, with the
/// algorithm of https://github.com/publicsuffix/list/wiki/Format: normal rules, wildcards
/// (<c>*.ck</c>), exceptions (<c>!www.ck</c>), the implicit <c>*</c> rule for unlisted TLDs, and the
/// longest match winning unless an exception matches. Rules are held in their punycode form, so
/// names are matched as DNS logs carry them. A lookup allocates nothing: one dictionary probe per
/// label of the name through a span lookup. Immutable once loaded, so threads may share one.
/// </summary>
public sealed class PublicSuffixList
{
    /// <summary>Where Debian's <c>publicsuffix</c> package installs the list.</summary>
    public const string SystemPath = "/usr/share/publicsuffix/public_suffix_list.dat";

    [Flags]
    private enum RuleKind : byte
    {
        None = 0,
        Normal = 1,
        // "*.X": every direct child of X is a public suffix. Stored on X.
        WildcardChildren = 2,
        // "!X": X is not a public suffix though a wildcard says so; its parent is.
        Exception = 4,
    }

    private readonly Dictionary<string, RuleKind>.AlternateLookup<ReadOnlySpan<char>> _lookup;

    private PublicSuffixList(Dictionary<string, RuleKind> rules)
    {
        _lookup = rules.GetAlternateLookup<ReadOnlySpan<char>>();
    }

    /// <summary>Number of rules loaded.</summary>
    public int RuleCount { get; private set; }

    /// <summary>Loads the list file (UTF-8, as published).</summary>
    public static PublicSuffixList Load(string path) => Parse(File.ReadLines(path, Encoding.UTF8));

    /// <summary>Builds the list from its lines (comments and blank lines ignored).</summary>
    public static PublicSuffixList Parse(IEnumerable<string> lines)
    {
        var rules = new Dictionary<string, RuleKind>(StringComparer.Ordinal);
        var idn = new IdnMapping { AllowUnassigned = true };
        int count = 0;
        foreach (string raw in lines)
        {
            // Format: a rule is the line's first whitespace-delimited word; "//" starts a comment.
            var line = raw.AsSpan().Trim();
            if (line.IsEmpty || line.StartsWith("//")) continue;
            int ws = line.IndexOfAny(' ', '\t');
            if (ws > 0) line = line[..ws];
            var kind = RuleKind.Normal;
            if (line[0] == '!')
            {
                kind = RuleKind.Exception;
                line = line[1..];
            }
            else if (line.StartsWith("*."))
            {
                kind = RuleKind.WildcardChildren;
                line = line[2..];
            }
            else if (line is "*")
            {
                continue; // the implicit default rule
            }
            string? name = ToAscii(line.ToString(), idn);
            if (name is null) continue;
            rules[name] = rules.GetValueOrDefault(name) | kind;
            count++;
        }
        return new PublicSuffixList(rules) { RuleCount = count };
    }

    private static string? ToAscii(string rule, IdnMapping idn)
    {
        if (Ascii.IsValid(rule)) return rule.ToLowerInvariant();
        try
        {
            return idn.GetAscii(rule).ToLowerInvariant();
        }
        catch (ArgumentException)
        {
            return null;
        }
    }

    /// <summary>
    /// Splits <paramref name="name"/> (ASCII/punycode, lower-case, no trailing dot, as
    /// <see cref="Protocols.DnsLogs.DnsQueryRecord.QueryName"/> holds it) into its parts:
    /// <paramref name="suffixStart"/> is where the public suffix (ECS top_level_domain) starts,
    /// <paramref name="registeredStart"/> where the registered domain (suffix plus one label)
    /// starts, -1 when the name is itself a public suffix. Returns false for names that have no
    /// suffix: empty, a leading dot, empty labels.
    /// </summary>
    public bool TrySplit(ReadOnlySpan<char> name, out int suffixStart, out int registeredStart)
    {
        suffixStart = -1;
        registeredStart = -1;
        if (name.IsEmpty || name[0] == '.' || name[^1] == '.' || name.Contains("..", StringComparison.Ordinal)) return false;

        // Walk the label starts from the right (shortest suffix first). The longest matching rule
        // wins; an exception rule wins over all others, and its public suffix is its parent.
        int matched = -1;
        int exceptionAt = -1;
        var parentKind = RuleKind.None; // the rules on the shorter suffix examined before this one
        int bound = name.Length; // the current label ends before this index
        while (true)
        {
            int start = name[..bound].LastIndexOf('.') + 1;
            var kind = Kind(name[start..]);
            if ((kind & RuleKind.Exception) != 0)
            {
                exceptionAt = start;
                break;
            }
            if ((kind & RuleKind.Normal) != 0) matched = start;
            // A "*.parent" rule makes this suffix public when the parent carries the wildcard.
            else if ((parentKind & RuleKind.WildcardChildren) != 0) matched = start;
            if (start == 0) break;
            parentKind = kind;
            bound = start - 1;
        }

        if (exceptionAt >= 0)
        {
            suffixStart = NextLabel(name, exceptionAt);
            registeredStart = exceptionAt;
            return true;
        }
        // The implicit "*" rule: an unlisted TLD is a public suffix.
        if (matched < 0) matched = name.LastIndexOf('.') + 1;
        suffixStart = matched;
        if (matched > 0)
        {
            int d = name[..(matched - 1)].LastIndexOf('.');
            registeredStart = d + 1;
        }
        return true;
    }

    private RuleKind Kind(ReadOnlySpan<char> suffix) => _lookup.TryGetValue(suffix, out var kind) ? kind : RuleKind.None;

    private static int NextLabel(ReadOnlySpan<char> name, int start)
    {
        int dot = name[start..].IndexOf('.');
        return dot < 0 ? name.Length : start + dot + 1;
    }

    /// <summary>The registered domain (public suffix plus one label) of an ASCII name, or null; allocates the result.</summary>
    public string? RegisteredDomain(string name) =>
        TrySplit(name, out _, out int r) && r >= 0 ? name[r..] : null;
}
