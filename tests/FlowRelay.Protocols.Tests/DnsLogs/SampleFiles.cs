using System.Text;

namespace FlowRelay.Protocols.Tests.DnsLogs;

/// <summary>The real log samples made by scripts/make-dns-samples.sh, read from the source tree.</summary>
internal static class SampleFiles
{
    private static readonly Lazy<string> Dir = new(() =>
    {
        var d = new DirectoryInfo(AppContext.BaseDirectory);
        while (d != null && !File.Exists(Path.Combine(d.FullName, "FlowRelay.sln"))) d = d.Parent;
        if (d == null) throw new InvalidOperationException("FlowRelay.sln not found above " + AppContext.BaseDirectory);
        return Path.Combine(d.FullName, "tests", "FlowRelay.Protocols.Tests", "DnsLogs", "Samples");
    });

    public static byte[] Bytes(string name) => File.ReadAllBytes(Path.Combine(Dir.Value, name));

    public static string[] Lines(string name) =>
        File.ReadAllLines(Path.Combine(Dir.Value, name)).Where(l => l.Length > 0).ToArray();

    public static byte[] U8(string s) => Encoding.UTF8.GetBytes(s);

    public static string S(ReadOnlySpan<byte> s) => Encoding.UTF8.GetString(s);

    public static long Ns(int y, int mo, int d, int h, int mi, int s, long fracNs = 0) =>
        new DateTimeOffset(y, mo, d, h, mi, s, TimeSpan.Zero).ToUnixTimeMilliseconds() * 1_000_000 + fracNs;

    /// <summary>When the samples were made; the reference time for year inference.</summary>
    public static readonly long MadeAt = Ns(2026, 11, 28, 4, 40, 0);
}
