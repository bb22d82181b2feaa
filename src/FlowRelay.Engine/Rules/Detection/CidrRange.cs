using System.Net;
using FlowRelay.Protocols.Flows;

namespace FlowRelay.Engine.Rules.Detection;

/// <summary>An address range precompiled as network + mask over <see cref="IpAddr"/>'s two halves.</summary>
public readonly struct CidrRange
{
    private readonly ulong _hi, _lo, _maskHi, _maskLo;
    private readonly byte _family;

    private CidrRange(byte family, ulong hi, ulong lo, int prefix)
    {
        _family = family;
        if (family == 4)
        {
            _maskHi = 0;
            _maskLo = prefix == 0 ? 0 : (0xFFFF_FFFFUL << (32 - prefix)) & 0xFFFF_FFFFUL;
        }
        else
        {
            _maskHi = prefix == 0 ? 0 : prefix >= 64 ? ulong.MaxValue : ulong.MaxValue << (64 - prefix);
            _maskLo = prefix <= 64 ? 0 : prefix == 128 ? ulong.MaxValue : ulong.MaxValue << (128 - prefix);
        }
        _hi = hi & _maskHi;
        _lo = lo & _maskLo;
    }

    /// <summary>True when <paramref name="a"/> lies in the range (families must agree).</summary>
    public bool Contains(IpAddr a) => a.Family == _family && (a.Hi & _maskHi) == _hi && (a.Lo & _maskLo) == _lo;

    /// <summary>Parses "10.0.0.0/8", "fd00::/8" or a bare address (a single-address range).</summary>
    public static bool TryParse(string text, out CidrRange range, out string? error)
    {
        range = default;
        error = null;
        text = text.Trim();
        int slash = text.IndexOf('/');
        var addrText = slash < 0 ? text : text[..slash];
        if (!IPAddress.TryParse(addrText, out var ip))
        {
            error = $"'{text}' is not an IP address or CIDR range";
            return false;
        }
        var a = IpAddr.From(ip);
        int max = a.Family == 4 ? 32 : 128;
        int prefix = max;
        if (slash >= 0 && (!int.TryParse(text.AsSpan(slash + 1), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out prefix) || prefix > max))
        {
            error = $"'{text}' has a bad prefix length (0..{max})";
            return false;
        }
        range = new CidrRange(a.Family, a.Hi, a.Lo, prefix);
        return true;
    }
}
