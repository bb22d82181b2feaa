using System.Net;
using System.Net.Sockets;
using FlowRelay.Protocols.Flows;

namespace FlowRelay.Ingest.Hardening;

/// <summary>
/// The exporters a flow listener accepts (<c>inputs.flow.allowed_exporters</c>): CIDR ranges,
/// checked per datagram on the socket thread by a linear scan over a few ranges, allocating nothing.
/// </summary>
public sealed class ExporterAllowlist
{
    private readonly (uint Start, uint End)[] _v4;
    private readonly (UInt128 Start, UInt128 End)[] _v6;

    private ExporterAllowlist((uint, uint)[] v4, (UInt128, UInt128)[] v6)
    {
        _v4 = v4;
        _v6 = v6;
    }

    /// <summary>Ranges in the list.</summary>
    public int Count => _v4.Length + _v6.Length;

    /// <summary>Builds the list from "192.0.2.0/24", "2001:db8::/32" or single addresses; false with the bad entry when one does not parse.</summary>
    public static bool TryCreate(IEnumerable<string> entries, out ExporterAllowlist allowlist, out string? bad)
    {
        var v4 = new List<(uint, uint)>();
        var v6 = new List<(UInt128, UInt128)>();
        allowlist = null!;
        bad = null;
        foreach (var raw in entries)
        {
            if (!TryParse(raw, out var network))
            {
                bad = raw;
                return false;
            }
            var bytes = network.BaseAddress.GetAddressBytes();
            if (network.BaseAddress.AddressFamily == AddressFamily.InterNetwork)
            {
                uint start = (uint)(bytes[0] << 24 | bytes[1] << 16 | bytes[2] << 8 | bytes[3]);
                uint size = network.PrefixLength == 0 ? uint.MaxValue : (1u << (32 - network.PrefixLength)) - 1;
                v4.Add((start, start + size));
            }
            else
            {
                UInt128 start = 0;
                foreach (var b in bytes) start = start << 8 | b;
                UInt128 size = network.PrefixLength == 0 ? UInt128.MaxValue : (UInt128.One << (128 - network.PrefixLength)) - 1;
                v6.Add((start, start + size));
            }
        }
        allowlist = new ExporterAllowlist(v4.ToArray(), v6.ToArray());
        return true;
    }

    /// <summary>Parses a CIDR or a single address; an IPv4-mapped IPv6 address counts as the IPv4 one.</summary>
    public static bool TryParse(string? text, out IPNetwork network)
    {
        network = default;
        if (string.IsNullOrWhiteSpace(text)) return false;
        var t = text.Trim();
        if (!t.Contains('/', StringComparison.Ordinal))
        {
            if (!IPAddress.TryParse(t, out var a)) return false;
            if (a.IsIPv4MappedToIPv6) a = a.MapToIPv4();
            network = new IPNetwork(a, a.AddressFamily == AddressFamily.InterNetwork ? 32 : 128);
            return true;
        }
        if (!IPNetwork.TryParse(t, out network)) return false;
        // Host bits set ("192.0.2.1/24") is most likely a typo for a single address or another range: refuse it.
        return IPAddress.TryParse(t[..t.IndexOf('/', StringComparison.Ordinal)], out var given) && given.Equals(network.BaseAddress);
    }

    /// <summary>True when <paramref name="exporter"/> is inside one of the ranges.</summary>
    public bool Allows(in IpAddr exporter)
    {
        if (exporter.IsV4)
        {
            uint a = exporter.V4;
            foreach (var (s, e) in _v4)
                if (a >= s && a <= e) return true;
            return false;
        }
        UInt128 v = new((ulong)exporter.Hi, (ulong)exporter.Lo);
        foreach (var (s, e) in _v6)
            if (v >= s && v <= e) return true;
        return false;
    }
}
