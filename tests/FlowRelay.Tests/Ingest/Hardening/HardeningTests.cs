using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using FlowRelay.Config;
using FlowRelay.Ingest;
using FlowRelay.Ingest.Hardening;
using FlowRelay.Protocols.Flows;
using Microsoft.Extensions.Logging.Abstractions;
using Xunit;

namespace FlowRelay.Tests.Ingest.Hardening;

public class HardeningTests
{
    private static IpAddr Ip(string s) => IpAddr.From(IPAddress.Parse(s));

    private static ExporterAllowlist List(params string[] entries)
    {
        Assert.True(ExporterAllowlist.TryCreate(entries, out var list, out var bad), $"bad entry {bad}");
        return list;
    }

    [Fact]
    public void Allowlist_matches_ranges_and_single_addresses_of_both_families()
    {
        var list = List("192.0.2.0/24", "198.51.100.7", "2001:db8::/32", "203.0.113.128/25");
        Assert.True(list.Allows(Ip("192.0.2.0")));
        Assert.True(list.Allows(Ip("192.0.2.255")));
        Assert.False(list.Allows(Ip("192.0.3.0")));
        Assert.True(list.Allows(Ip("198.51.100.7")));
        Assert.False(list.Allows(Ip("198.51.100.8")));
        Assert.True(list.Allows(Ip("203.0.113.200")));
        Assert.False(list.Allows(Ip("203.0.113.100")));
        Assert.True(list.Allows(Ip("2001:db8:ffff::1")));
        Assert.False(list.Allows(Ip("2001:db9::1")));
        Assert.True(list.Allows(Ip("::ffff:192.0.2.9"))); // IPv4-mapped is the IPv4 exporter
        Assert.True(List("0.0.0.0/0").Allows(Ip("8.8.8.8")));
        Assert.False(List("0.0.0.0/0").Allows(Ip("2001:db8::1")));
        Assert.True(List("::/0").Allows(Ip("2001:db8::1")));
    }

    [Theory]
    [InlineData("192.0.2.1/24")] // host bits set: probably a typo
    [InlineData("192.0.2.0/33")]
    [InlineData("router1")]
    [InlineData("")]
    public void Allowlist_refuses_what_is_not_a_range(string entry) =>
        Assert.False(ExporterAllowlist.TryCreate([entry], out _, out _));

    [Fact]
    public void Allowed_exporters_and_rate_limit_are_validated_with_the_setting_named()
    {
        var r = ConfigLoader.LoadYaml("inputs:\n  flow:\n    allowed_exporters: [\"192.0.2.0/24\", \"10.0.0.1/8\"]\n    rate_limit: -1\n");
        Assert.False(r.IsValid);
        Assert.Contains(r.Errors, e => e.StartsWith("setting 'inputs.flow.allowed_exporters[1]'", StringComparison.Ordinal));
        Assert.Contains(r.Errors, e => e.StartsWith("setting 'inputs.flow.rate_limit'", StringComparison.Ordinal));
        var ok = ConfigLoader.LoadYaml("inputs:\n  flow:\n    allowed_exporters: [\"192.0.2.0/24\", \"2001:db8::1\"]\n    rate_limit: 5000\n");
        Assert.True(ok.IsValid, string.Join("\n", ok.Errors));
        Assert.Equal(2, ReceiverHardening.Allowlist(ok.Settings!.Inputs.Flow)!.Count);
        Assert.NotNull(ReceiverHardening.RateLimiter(ok.Settings!.Inputs.Flow));
        Assert.Null(ReceiverHardening.RateLimiter(new FlowInputSettings()));
        Assert.Null(ReceiverHardening.Allowlist(new FlowInputSettings()));
    }

    [Fact]
    public void Token_bucket_allows_the_burst_then_the_rate()
    {
        var limiter = new SourceRateLimiter(packetsPerSecond: 10, burst: 5);
        var a = Ip("192.0.2.1");
        var b = Ip("192.0.2.2");
        long t = 1_000_000;
        int allowed = 0;
        for (int i = 0; i < 20; i++) if (limiter.TryAcquire(a, t)) allowed++;
        Assert.Equal(5, allowed);
        Assert.True(limiter.TryAcquire(b, t)); // another source has its own bucket
        // Half a second later: 5 more tokens for a, not more (the burst caps the refill).
        t += Stopwatch.Frequency / 2;
        allowed = 0;
        for (int i = 0; i < 20; i++) if (limiter.TryAcquire(a, t)) allowed++;
        Assert.Equal(5, allowed);
        t += Stopwatch.Frequency * 100;
        allowed = 0;
        for (int i = 0; i < 20; i++) if (limiter.TryAcquire(a, t)) allowed++;
        Assert.Equal(5, allowed);
    }

    [Fact]
    public void A_full_source_table_is_cleared_not_grown()
    {
        var limiter = new SourceRateLimiter(1, 1, maxSources: 4);
        for (uint i = 0; i < 10; i++) limiter.TryAcquire(IpAddr.FromV4(0xC0000200 + i), 0);
        Assert.InRange(limiter.Sources, 1, 4);
        Assert.Equal(2, limiter.Resets);
    }

    [Fact]
    public void The_checks_allocate_nothing_per_datagram()
    {
        var list = List("192.0.2.0/24", "2001:db8::/32");
        var limiter = new SourceRateLimiter(1000, 1000);
        var sources = Enumerable.Range(0, 64).Select(i => IpAddr.FromV4(0xC0000200 + (uint)i)).ToArray();
        foreach (var s in sources) limiter.TryAcquire(s, 0); // table entries exist
        long t = 0;
        int n = 0;
        long allocated = Allocations.Least(() =>
        {
            for (int i = 0; i < 100_000; i++)
            {
                var s = sources[i & 63];
                if (list.Allows(s) && limiter.TryAcquire(s, t += 1000)) n++;
            }
        });
        Assert.True(n > 0);
        Assert.Equal(0, allocated);
    }

    [Fact]
    public async Task The_receiver_drops_and_counts_sources_outside_the_list_and_over_the_rate()
    {
        var channel = new PacketChannel(1024);
        using var receiver = new UdpFlowReceiver(new IPEndPoint(IPAddress.Loopback, 0), 1 << 20, channel, NullLogger<UdpFlowReceiver>.Instance,
            List("127.0.0.2/32"), new SourceRateLimiter(packetsPerSecond: 1, burst: 5));
        double sendSeconds;
        await receiver.StartAsync(CancellationToken.None);
        try
        {
            using (var outsider = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0)))
            using (var allowed = new UdpClient(new IPEndPoint(IPAddress.Parse("127.0.0.2"), 0)))
            {
                for (int i = 0; i < 7; i++) await outsider.SendAsync(new byte[] { 0, 10, (byte)i }, receiver.BoundEndpoint!);
                var sending = System.Diagnostics.Stopwatch.StartNew();
                for (int i = 0; i < 20; i++) await allowed.SendAsync(new byte[] { 0, 10, (byte)i }, receiver.BoundEndpoint!);
                sendSeconds = sending.Elapsed.TotalSeconds;
            }
            Assert.True(await Eventually.HoldsAsync(() => Interlocked.Read(ref receiver.Counters.Datagrams) == 27, TimeSpan.FromSeconds(10)));
        }
        finally
        {
            await receiver.StopAsync(CancellationToken.None);
        }
        Assert.Equal(7, receiver.Counters.DroppedNotAllowed);
        // The burst of 5 passes, plus one token per second the 20 sends took (normally well under a
        // second: 14 or 15 dropped). A stalled machine refills more tokens, never fewer.
        int refilled = (int)Math.Ceiling(sendSeconds);
        Assert.InRange(receiver.Counters.DroppedRateLimited, Math.Max(0, 15 - refilled), 15);
        Assert.Equal(20 - receiver.Counters.DroppedRateLimited, channel.Count);
        Assert.True(channel.Reader.TryRead(out var first));
        Assert.Equal(Ip("127.0.0.2"), first.Exporter);
        PacketChannel.Release(first);
    }
}
