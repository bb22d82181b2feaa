using System.Net;
using System.Text;
using FlowRelay.Engine.Enrich;
using FlowRelay.Engine.Events;
using FlowRelay.Protocols.Flows;

namespace FlowRelay.Engine.Tests.Enrich;

public class CommunityIdTests
{
    // The spec's published baseline (corelight/community-id-spec baseline/baseline_deflt.json, seed 0).
    public static TheoryData<byte, string, string, int, int, string> Baseline => new()
    {
        { 58, "fe80::200:86ff:fe05:80da", "fe80::260:97ff:fe07:69ea", 135, 136, "1:dGHyGvjMfljg6Bppwm3bg0LO8TY=" },
        { 58, "fe80::260:97ff:fe07:69ea", "fe80::200:86ff:fe05:80da", 136, 135, "1:dGHyGvjMfljg6Bppwm3bg0LO8TY=" },
        { 58, "fe80::260:97ff:fe07:69ea", "fe80::200:86ff:fe05:80da", 135, 136, "1:zavyT/cezQr1fmImYCwYnMXbgck=" },
        { 58, "3ffe:501:1800:2345::2", "3ffe:507:0:1:200:86ff:fe05:80da", 3, 0, "1:2ObVBgIn28oZvibYZhZMBgh7WdQ=" },
        { 58, "3ffe:501:410:0:2c0:dfff:fe47:33e", "3ffe:507:0:1:200:86ff:fe05:80da", 1, 4, "1:hLZd0XGWojozrvxqE0dWB1iM6R0=" },
        { 58, "3ffe:507:0:1:200:86ff:fe05:80da", "3ffe:501:0:1001::2", 128, 129, "1:+TW+HtLHvV1xnGhV1lv7XoJrqQg=" },
        { 58, "3ffe:501:0:1001::2", "3ffe:507:0:1:200:86ff:fe05:80da", 129, 128, "1:+TW+HtLHvV1xnGhV1lv7XoJrqQg=" },
        { 58, "fe80::200:86ff:fe05:80da", "ff02::2", 133, 134, "1:hO+sN4H+MG5MY/8hIrXPqc4ZQz0=" },
        { 58, "fe80::260:97ff:fe07:69ea", "ff02::1", 134, 133, "1:pkvHqCL88/tg1k4cPigmZXUtL00=" },
        { 1, "192.168.0.89", "192.168.0.1", 8, 0, "1:X0snYXpgwiv9TZtqg64sgzUn6Dk=" },
        { 1, "192.168.0.1", "192.168.0.89", 0, 8, "1:X0snYXpgwiv9TZtqg64sgzUn6Dk=" },
        { 1, "10.0.0.1", "10.0.0.2", 11, 0, "1:YHxtAirCG//0OzkcVAukqKQN9xM=" },
        { 6, "2001:470:e5bf:dead:4957:2174:e82c:4887", "2607:f8b0:400c:c03::1a", 63943, 25, "1:/qFaeAR+gFe1KYjMzVDsMv+wgU4=" },
        { 6, "2607:f8b0:400c:c03::1a", "2001:470:e5bf:dead:4957:2174:e82c:4887", 25, 63943, "1:/qFaeAR+gFe1KYjMzVDsMv+wgU4=" },
        { 132, "192.168.170.8", "192.168.170.56", 7, 7, "1:MP2EtRCAUIZvTw6MxJHLV7N7JDs=" },
        { 132, "192.168.170.56", "192.168.170.8", 7, 7, "1:MP2EtRCAUIZvTw6MxJHLV7N7JDs=" },
        { 6, "128.232.110.120", "66.35.250.204", 34855, 80, "1:LQU9qZlK+B5F3KDmev6m5PMibrg=" },
        { 6, "66.35.250.204", "128.232.110.120", 80, 34855, "1:LQU9qZlK+B5F3KDmev6m5PMibrg=" },
        { 17, "192.168.1.52", "8.8.8.8", 54585, 53, "1:d/FP5EW3wiY1vCndhwleRRKHowQ=" },
        { 17, "8.8.8.8", "192.168.1.52", 53, 54585, "1:d/FP5EW3wiY1vCndhwleRRKHowQ=" },
        { 46, "10.1.12.1", "10.1.12.2", 0, 0, "1:KHlLkgoJW7ifUTyTSgyVfkFHzKw=" },
        { 46, "10.1.12.2", "10.1.12.1", 0, 0, "1:KHlLkgoJW7ifUTyTSgyVfkFHzKw=" },
    };

    [Theory]
    [MemberData(nameof(Baseline))]
    public void Matches_the_spec_baseline(byte proto, string src, string dst, int sport, int dport, string expected)
    {
        // The baseline gives ICMP as (type, code) in the port columns, as the enricher passes them.
        Span<byte> output = stackalloc byte[CommunityIdValue.Length];
        Assert.True(CommunityId.TryCompute(IpAddr.From(IPAddress.Parse(src)), IpAddr.From(IPAddress.Parse(dst)),
            proto, (ushort)sport, (ushort)dport, output));
        Assert.Equal(expected, Encoding.ASCII.GetString(output));
    }

    [Fact]
    public void Enricher_reads_ICMP_type_and_code_from_the_destination_port_as_NetFlow_exporters_send_them()
    {
        var events = new FlowEvent[1];
        ref FlowRecord f = ref events[0].Flow;
        f.SourceAddress = IpAddr.From(IPAddress.Parse("192.168.0.89"));
        f.DestinationAddress = IpAddr.From(IPAddress.Parse("192.168.0.1"));
        f.Protocol = 1;
        f.DestinationPort = 8 << 8; // echo request, code 0

        new CommunityIdEnricher().Enrich(events);

        Assert.True(events[0].CommunityId.HasValue);
        Assert.Equal("1:X0snYXpgwiv9TZtqg64sgzUn6Dk=", Encoding.ASCII.GetString(events[0].CommunityId.Value));
    }

    [Fact]
    public void Mixed_address_families_have_no_id()
    {
        Span<byte> output = stackalloc byte[CommunityIdValue.Length];
        Assert.False(CommunityId.TryCompute(IpAddr.From(IPAddress.Parse("10.0.0.1")), IpAddr.From(IPAddress.Parse("::1")), 6, 1, 2, output));
    }

    /// <summary>
    /// The spec's definition written out plainly (bytes, the platform's SHA-1, the platform's
    /// base64), to check the word-level block builder and the eight-lane hashing against.
    /// </summary>
    private static string? Reference(IpAddr src, IpAddr dst, byte proto, ushort sport, ushort dport, ushort seed)
    {
        if (!src.IsSet || src.Family != dst.Family) return null;
        bool oneWay = false;
        if (proto is 1 or 58)
        {
            int counterpart = (proto, (int)sport) switch
            {
                (1, 8) => 0, (1, 0) => 8, (1, 13) => 14, (1, 14) => 13, (1, 15) => 16, (1, 16) => 15, (1, 10) => 9, (1, 17) => 18, (1, 18) => 17,
                (58, 128) => 129, (58, 129) => 128, (58, 133) => 134, (58, 134) => 133, (58, 135) => 136, (58, 136) => 135,
                (58, 130) => 131, (58, 131) => 130, (58, 139) => 140, (58, 140) => 139, (58, 144) => 145, (58, 145) => 144,
                _ => -1,
            };
            if (counterpart < 0) oneWay = true;
            else dport = (ushort)counterpart;
        }
        byte[] a = src.ToIPAddress().GetAddressBytes(), b = dst.ToIPAddress().GetAddressBytes();
        int cmp = a.AsSpan().SequenceCompareTo(b);
        if (!oneWay && (cmp > 0 || (cmp == 0 && sport > dport)))
        {
            (a, b) = (b, a);
            (sport, dport) = (dport, sport);
        }
        var input = new List<byte> { (byte)(seed >> 8), (byte)seed };
        input.AddRange(a);
        input.AddRange(b);
        input.Add(proto);
        input.Add(0);
        if (proto is 1 or 6 or 17 or 58 or 132) input.AddRange([(byte)(sport >> 8), (byte)sport, (byte)(dport >> 8), (byte)dport]);
        return "1:" + Convert.ToBase64String(System.Security.Cryptography.SHA1.HashData(input.ToArray()));
    }

    public static TheoryData<bool> SimdOrNot => new() { true, false };

    [Theory]
    [MemberData(nameof(SimdOrNot))]
    public void Enricher_matches_the_plain_definition_for_random_flows_in_batches_of_every_size(bool simd)
    {
        var random = new Random(11);
        byte[] protocols = [6, 17, 1, 58, 132, 47, 50];
        ushort[] ports = [0, 1, 53, 80, 443, 8080, 40000, 65535];
        IpAddr RandomAddress(bool v6)
        {
            if (!v6) return IpAddr.FromV4(random.Next(4) == 0 ? 0x0A000001u : (uint)random.NextInt64(0, 1L << 32));
            byte[] bytes = new byte[16];
            random.NextBytes(bytes);
            if (random.Next(4) == 0) bytes.AsSpan(0, 15).Clear(); // shared prefixes: the order decided late
            return IpAddr.FromV6(bytes);
        }
        for (int size = 0; size <= 40; size++)
        {
            ushort seed = (ushort)random.Next(0, 3);
            var events = new FlowEvent[size];
            for (int i = 0; i < size; i++)
            {
                ref FlowRecord f = ref events[i].Flow;
                bool v6 = random.Next(3) == 0;
                f.SourceAddress = random.Next(20) == 0 ? default : RandomAddress(v6);
                f.DestinationAddress = random.Next(20) == 0 ? RandomAddress(!v6) : random.Next(10) == 0 ? f.SourceAddress : RandomAddress(v6);
                f.Protocol = protocols[random.Next(protocols.Length)];
                f.SourcePort = ports[random.Next(ports.Length)];
                f.DestinationPort = random.Next(3) == 0 ? f.SourcePort : ports[random.Next(ports.Length)];
                if (f.Protocol is 1 or 58)
                {
                    byte type = (byte)(random.Next(2) == 0 ? random.Next(256) : f.Protocol == 1 ? 8 : 128 + random.Next(20));
                    ushort typeCode = (ushort)(type << 8 | random.Next(4));
                    if (random.Next(2) == 0) f.DestinationPort = typeCode;
                    else
                    {
                        f.IcmpTypeCode = typeCode;
                        f.Present |= FlowFields.IcmpTypeCode;
                    }
                }
                events[i].CommunityId.HasValue = random.Next(2) == 0; // stale values from a reused batch
            }

            new CommunityIdEnricher(seed, simd).Enrich(events);

            for (int i = 0; i < size; i++)
            {
                ref FlowRecord f = ref events[i].Flow;
                ushort typeCode = (f.Present & FlowFields.IcmpTypeCode) != 0 ? f.IcmpTypeCode : f.DestinationPort;
                bool icmp = f.Protocol is 1 or 58;
                string? expected = Reference(f.SourceAddress, f.DestinationAddress, f.Protocol,
                    icmp ? (ushort)(typeCode >> 8) : f.SourcePort, icmp ? (ushort)(typeCode & 0xFF) : f.DestinationPort, seed);
                Assert.Equal(expected is not null, events[i].CommunityId.HasValue);
                if (expected is not null) Assert.Equal(expected, Encoding.ASCII.GetString(events[i].CommunityId.Value));
            }
        }
    }
}
