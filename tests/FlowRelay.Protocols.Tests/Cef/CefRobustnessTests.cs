using CsCheck;
using FlowRelay.Protocols.Cef;
using static FlowRelay.Protocols.Tests.DnsLogs.SampleFiles;

namespace FlowRelay.Protocols.Tests.Cef;

public class CefRobustnessTests
{
    private static readonly byte[] Seed =
        U8(@"<134>Nov 28 04:36:04 fw1 CEF:1|Acme\|X|FW|2.3|deny|Blocked|Very-High|act=blocked msg=a\=b\\c\nd request=http://x/?a=b cs1Label=Rule cs1=x y");

    [Fact]
    public void Mutated_and_random_messages_never_throw()
    {
        Gen.Select(Gen.Int[0, 200], Gen.Select(Gen.Int[0, 200], Gen.Byte).Array[1, 8]).Sample(t =>
        {
            var (cut, mutations) = t;
            var m = (byte[])Seed.Clone();
            foreach (var (pos, value) in mutations)
                if (pos < m.Length) m[pos] = value;
            CefParser.Parse(m.AsSpan(0, Math.Min(cut, m.Length)), out _);
        }, iter: 20_000, threads: 1);
        Gen.String.Sample(s => { CefParser.Parse("CEF:0|" + s, out _); CefParser.Parse(s, out _); }, iter: 20_000, threads: 1);
    }
}
