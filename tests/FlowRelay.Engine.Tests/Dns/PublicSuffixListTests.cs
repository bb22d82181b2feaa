using System.Globalization;
using System.Text.RegularExpressions;
using FlowRelay.Engine.Dns;

namespace FlowRelay.Engine.Tests.Dns;

/// <summary>
/// The PSL algorithm against the list's own test vectors (tests/test_psl.txt of
/// publicsuffix/list, public domain), read from Debian's publicsuffix package beside the list it
/// belongs to, plus the cases DNS logs bring (private suffixes, trailing dots, IDNs).
/// </summary>
public partial class PublicSuffixListTests
{
    private const string VectorsPath = "/usr/share/doc/publicsuffix/examples/test_psl.txt";
    internal static readonly Lazy<PublicSuffixList> SystemList = new(() => PublicSuffixList.Load(PublicSuffixList.SystemPath));
    private static readonly IdnMapping Idn = new();

    [GeneratedRegex(@"^checkPublicSuffix\((null|'([^']*)'), (null|'([^']*)')\);")]
    private static partial Regex CheckLine();

    [Fact]
    public void Every_vector_of_the_lists_own_test_file_passes()
    {
        Assert.True(File.Exists(VectorsPath), $"{VectorsPath} missing: scripts/test.sh installs the publicsuffix package");
        var psl = SystemList.Value;
        int checkedCount = 0;
        var failures = new List<string>();
        foreach (string line in File.ReadLines(VectorsPath))
        {
            var m = CheckLine().Match(line);
            if (!m.Success) continue;
            string? input = m.Groups[2].Success ? m.Groups[2].Value : null;
            string? expected = m.Groups[4].Success ? m.Groups[4].Value : null;
            string? actual = RegistrableDomain(psl, input);
            if (actual != expected) failures.Add($"{input ?? "null"}: expected {expected ?? "null"}, got {actual ?? "null"}");
            checkedCount++;
        }
        Assert.True(checkedCount > 70, $"only {checkedCount} vectors found");
        Assert.Empty(failures);
    }

    // The harness of the vectors: input may be mixed case and Unicode, the result is compared in
    // the input's own form (Unicode in, Unicode out).
    private static string? RegistrableDomain(PublicSuffixList psl, string? input)
    {
        if (input is null) return null;
        bool unicode = !global::System.Text.Ascii.IsValid(input);
        string ascii;
        try
        {
            ascii = (unicode ? Idn.GetAscii(input) : input).ToLowerInvariant();
        }
        catch (ArgumentException)
        {
            return null;
        }
        if (!psl.TrySplit(ascii, out _, out int registered) || registered < 0) return null;
        string result = ascii[registered..];
        return unicode ? Idn.GetUnicode(result) : result;
    }

    [Theory]
    [InlineData("www.bbc.co.uk", "co.uk", "bbc.co.uk")]
    [InlineData("bbc.co.uk", "co.uk", "bbc.co.uk")]
    [InlineData("co.uk", "co.uk", null)]
    [InlineData("mybucket.s3.amazonaws.com", "s3.amazonaws.com", "mybucket.s3.amazonaws.com")]
    [InlineData("a.b.mybucket.s3.amazonaws.com", "s3.amazonaws.com", "mybucket.s3.amazonaws.com")]
    [InlineData("host.eu-west-1.compute.amazonaws.com", "eu-west-1.compute.amazonaws.com", "host.eu-west-1.compute.amazonaws.com")]
    [InlineData("foo.github.io", "github.io", "foo.github.io")]
    [InlineData("www.example.com", "com", "example.com")]
    [InlineData("lab.test", "test", "lab.test")]
    [InlineData("xn--85x722f.xn--fiqs8s", "xn--fiqs8s", "xn--85x722f.xn--fiqs8s")]
    [InlineData("localhost", "localhost", null)]
    public void Splits_names_as_dns_logs_carry_them(string name, string suffix, string? registered)
    {
        Assert.True(SystemList.Value.TrySplit(name, out int s, out int r));
        Assert.Equal(suffix, name[s..]);
        Assert.Equal(registered, r >= 0 ? name[r..] : null);
    }

    [Theory]
    [InlineData("")]
    [InlineData(".com")]
    [InlineData("a..example.com")]
    [InlineData("example.com.")]
    public void Names_without_a_suffix_are_refused(string name) =>
        Assert.False(SystemList.Value.TrySplit(name, out _, out _));

    [Fact]
    public void Rules_are_parsed_with_wildcards_exceptions_comments_and_idn()
    {
        var psl = PublicSuffixList.Parse(["// comment", "", "ck", "*.ck", "!www.ck", "公司.cn", "cn", "uk", "co.uk  trailing words"]);
        Assert.True(psl.TrySplit("a.b.ck", out int s, out int r));
        Assert.Equal(("b.ck", "a.b.ck"), ("a.b.ck"[s..], "a.b.ck"[r..]));
        Assert.True(psl.TrySplit("x.www.ck", out s, out r));
        Assert.Equal(("ck", "www.ck"), ("x.www.ck"[s..], "x.www.ck"[r..]));
        Assert.True(psl.TrySplit("a.xn--55qx5d.cn", out s, out r));
        Assert.Equal("xn--55qx5d.cn", "a.xn--55qx5d.cn"[s..]);
        Assert.True(psl.TrySplit("x.co.uk", out s, out _));
        Assert.Equal("co.uk", "x.co.uk"[s..]);
    }

    [Fact]
    public void Lookup_allocates_nothing()
    {
        var psl = SystemList.Value;
        psl.TrySplit("a.b.c.www.example.co.uk", out _, out _);
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 1000; i++) psl.TrySplit("a.b.c.www.example.co.uk", out _, out _);
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }
}
