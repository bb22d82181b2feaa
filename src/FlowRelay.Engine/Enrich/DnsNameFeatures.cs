namespace FlowRelay.Engine.Enrich;

/// <summary>
/// What a DNS name looks like, for tunnelling and DGA rules. Whole-name measures (length, labels,
/// longest label) cover the full name; entropy and character classes cover the subdomain part
/// only — the labels left of the registered domain, which is where tunnels put their data and
/// which the caller supplies (from the Public Suffix List) as <c>subdomain</c>.
/// </summary>
public readonly record struct DnsNameFeatures
{
    /// <summary>Shortest run of data-like characters for the looks-like-* flags; shorter strings are too ambiguous.</summary>
    public const int MinEncodedLength = 16;

    /// <summary>Length of the whole name without a trailing dot.</summary>
    public int Length { get; init; }

    /// <summary>Number of labels of the whole name.</summary>
    public int LabelCount { get; init; }

    /// <summary>Length of the longest label of the whole name.</summary>
    public int LongestLabelLength { get; init; }

    /// <summary>Length of the subdomain part without its dots.</summary>
    public int SubdomainLength { get; init; }

    /// <summary>Shannon entropy, bits per character, of the subdomain's characters (dots left out, case folded).</summary>
    public double SubdomainEntropy { get; init; }

    public int Digits { get; init; }
    public int Letters { get; init; }
    public int Hyphens { get; init; }

    /// <summary>Characters of the subdomain that are neither letters, digits, hyphens nor dots (underscores, base64 padding ...).</summary>
    public int Other { get; init; }

    /// <summary>A subdomain label of at least 16 characters, all hex digits, with both digits and letters a–f.</summary>
    public bool LooksLikeHex { get; init; }

    /// <summary>A subdomain label of at least 16 characters, letters and digits only in one case (as base32 DNS tunnels such as iodine encode), mixing both, and not hex.</summary>
    public bool LooksLikeBase32 { get; init; }

    /// <summary>A subdomain label of at least 16 characters from the base64/base64url alphabet, with upper- and lower-case letters and digits (case carries data).</summary>
    public bool LooksLikeBase64 { get; init; }

    /// <summary>
    /// Computes the features of <paramref name="name"/> with <paramref name="subdomain"/> the part left of
    /// the registered domain (empty when the name is the registered domain itself). Allocation-free.
    /// </summary>
    public static DnsNameFeatures Compute(ReadOnlySpan<char> name, ReadOnlySpan<char> subdomain)
    {
        if (name.EndsWith(".")) name = name[..^1];
        if (subdomain.EndsWith(".")) subdomain = subdomain[..^1];

        int labels = 0, longest = 0, current = 0;
        foreach (char c in name)
        {
            if (c == '.')
            {
                if (current > 0) labels++;
                longest = Math.Max(longest, current);
                current = 0;
            }
            else
            {
                current++;
            }
        }
        if (current > 0) labels++;
        longest = Math.Max(longest, current);

        Span<int> counts = stackalloc int[128];
        counts.Clear();
        int length = 0, digits = 0, letters = 0, hyphens = 0, other = 0, nonAscii = 0;
        bool anyHex = false, anyBase32 = false, anyBase64 = false;
        ReadOnlySpan<char> rest = subdomain;
        while (true)
        {
            int dot = rest.IndexOf('.');
            ReadOnlySpan<char> label = dot < 0 ? rest : rest[..dot];
            var c = Scan(label, counts);
            length += label.Length;
            digits += c.Digits;
            letters += c.Letters;
            hyphens += c.Hyphens;
            other += c.Other;
            nonAscii += c.NonAscii;
            if (label.Length >= MinEncodedLength)
            {
                // Tunnels fill whole labels with data, next to short fixed labels ("t", "c2"), so each label is judged alone.
                bool hex = c.AllHex && c.Digits > 0 && c.HexLetter;
                anyHex |= hex;
                anyBase32 |= !hex && c.Hyphens == 0 && c.Other == 0 && c.Digits > 0 && c.Letters > 0 && !(c.Upper && c.Lower);
                anyBase64 |= c.Base64Alphabet && c.Upper && c.Lower && c.Digits > 0;
            }
            if (dot < 0) break;
            rest = rest[(dot + 1)..];
        }

        double entropy = 0;
        if (length > 0)
        {
            // Non-ASCII characters are rare in DNS (IDNs arrive as punycode); they count as one symbol.
            double n = length;
            for (int i = 0; i < counts.Length; i++)
            {
                if (counts[i] == 0) continue;
                double p = counts[i] / n;
                entropy -= p * Math.Log2(p);
            }
            if (nonAscii > 0)
            {
                double p = nonAscii / n;
                entropy -= p * Math.Log2(p);
            }
        }

        return new DnsNameFeatures
        {
            Length = name.Length,
            LabelCount = labels,
            LongestLabelLength = longest,
            SubdomainLength = length,
            SubdomainEntropy = entropy,
            Digits = digits,
            Letters = letters,
            Hyphens = hyphens,
            Other = other,
            LooksLikeHex = anyHex,
            LooksLikeBase32 = anyBase32,
            LooksLikeBase64 = anyBase64,
        };
    }

    private static LabelScan Scan(ReadOnlySpan<char> label, Span<int> counts)
    {
        var r = new LabelScan { AllHex = true, Base64Alphabet = true };
        foreach (char raw in label)
        {
            if (raw >= 128)
            {
                r.NonAscii++;
                r.Other++;
                r.AllHex = false;
                r.Base64Alphabet = false;
                continue;
            }
            char c = raw;
            if (c is >= 'A' and <= 'Z')
            {
                r.Upper = true;
                c = (char)(c + 32);
            }
            else if (c is >= 'a' and <= 'z')
            {
                r.Lower = true;
            }
            counts[c]++;
            if (c is >= '0' and <= '9')
            {
                r.Digits++;
            }
            else if (c is >= 'a' and <= 'z')
            {
                r.Letters++;
                if (c <= 'f') r.HexLetter = true;
                else r.AllHex = false;
            }
            else if (c == '-')
            {
                r.Hyphens++;
                r.AllHex = false;
            }
            else
            {
                r.Other++;
                r.AllHex = false;
                if (c is not ('+' or '/' or '=' or '_')) r.Base64Alphabet = false;
            }
        }
        return r;
    }

    private struct LabelScan
    {
        public int Digits, Letters, Hyphens, Other, NonAscii;
        public bool Upper, Lower, AllHex, HexLetter, Base64Alphabet;
    }
}
