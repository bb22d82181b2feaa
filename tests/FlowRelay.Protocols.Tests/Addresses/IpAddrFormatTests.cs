using System.Net;
using System.Text;
using FlowRelay.Protocols.Flows;

namespace FlowRelay.Protocols.Tests.Addresses;

/// <summary>IpAddr's allocation-free text is IPAddress's text (RFC 5952 for IPv6), for any address.</summary>
public class IpAddrFormatTests
{
    [Fact]
    public void Matches_IPAddress_for_random_and_edge_addresses()
    {
        var random = new Random(5952);
        Span<byte> buf = stackalloc byte[64];
        var addresses = new List<IPAddress>
        {
            IPAddress.Parse("0.0.0.0"), IPAddress.Parse("255.255.255.255"), IPAddress.Parse("10.0.9.100"), IPAddress.Parse("1.20.199.99"),
            IPAddress.Parse("::"), IPAddress.Parse("::1"), IPAddress.Parse("1::"), IPAddress.Parse("ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff"),
            IPAddress.Parse("2001:db8:0:0:1:0:0:1"), IPAddress.Parse("fe80::260:97ff:fe07:69ea"), IPAddress.Parse("2001:db8::f:10:100:1000"),
        };
        for (int i = 0; i < 50_000; i++)
        {
            var bytes = new byte[i % 2 == 0 ? 4 : 16];
            random.NextBytes(bytes);
            if (bytes.Length == 16)
            {
                // Runs of zero groups and small groups, which the compression and the leading-zero rule are about.
                for (int g = 0; g < 8; g++)
                {
                    int kind = random.Next(4);
                    if (kind == 0) bytes[2 * g] = bytes[2 * g + 1] = 0;
                    else if (kind == 1) bytes[2 * g] = 0;
                }
                if (bytes.AsSpan(0, 10).IndexOfAnyExcept((byte)0) < 0 && bytes[10] == 0xFF && bytes[11] == 0xFF) continue; // IPv4-mapped: made IPv4 on the way in
                // IPv4-compatible (::/96, deprecated by RFC 4291): IPAddress writes "::a.b.c.d", IpAddr hex groups
                // as RFC 5952 section 5 asks only for well-known prefixes. A known difference, not checked here.
                if (bytes.AsSpan(0, 12).IndexOfAnyExcept((byte)0) < 0) continue;
            }
            addresses.Add(new IPAddress(bytes));
        }
        foreach (var address in addresses)
        {
            Assert.True(IpAddr.From(address).TryFormat(buf, out int n));
            Assert.Equal(address.ToString(), Encoding.ASCII.GetString(buf[..n]));
        }
    }

    [Fact]
    public void IPv4_from_the_octet_table_is_the_text_written_digit_by_digit()
    {
        // 16 bytes or more take the table (four-byte stores that may run past the text); less, the digit loop.
        Span<byte> table = stackalloc byte[16];
        Span<byte> loop = stackalloc byte[15];
        for (uint octet = 0; octet < 256; octet++)
        {
            for (int shift = 0; shift < 32; shift += 8)
            {
                var address = IpAddr.FromV4((octet << shift) | (0x01020304u & ~(0xFFu << shift)));
                table.Fill(0xEE);
                Assert.True(address.TryFormat(table, out int n));
                Assert.True(address.TryFormat(loop, out int m));
                Assert.Equal(Encoding.ASCII.GetString(loop[..m]), Encoding.ASCII.GetString(table[..n]));
                Assert.Equal(address.ToIPAddress().ToString(), Encoding.ASCII.GetString(table[..n]));
            }
        }
    }

    [Fact]
    public void Refuses_a_destination_too_short_and_an_unset_address()
    {
        Span<byte> buf = stackalloc byte[15];
        Assert.True(IpAddr.FromV4(0xFFFFFFFF).TryFormat(buf, out int n));
        Assert.Equal(15, n);
        Assert.False(IpAddr.FromV4(0xFFFFFFFF).TryFormat(buf[..14], out _));
        Assert.False(IpAddr.FromV4(0x01020304).TryFormat(buf[..6], out _));
        Assert.False(default(IpAddr).TryFormat(buf, out _));
    }
}
