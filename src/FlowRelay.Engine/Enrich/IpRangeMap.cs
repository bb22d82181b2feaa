using System.Net;
using System.Net.Sockets;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using FlowRelay.Protocols.Flows;

namespace FlowRelay.Engine.Enrich;

/// <summary>
/// Address → value over a set of CIDR ranges, compiled once into disjoint sorted ranges (IPv4 as
/// <see cref="uint"/>, IPv6 as <see cref="UInt128"/>) and searched by a branch-free binary search: no
/// allocation and O(log n) per lookup. Overlapping ranges are resolved at build time by a combine function
/// (union of zone bits, or the most specific entry wins).
/// </summary>
public sealed class IpRangeMap<T> where T : struct
{
    private readonly uint[] _v4Start;
    private readonly uint[] _v4End;
    private readonly T[] _v4Value;
    private readonly UInt128[] _v6Start;
    private readonly UInt128[] _v6End;
    private readonly T[] _v6Value;

    private IpRangeMap(uint[] v4s, uint[] v4e, T[] v4v, UInt128[] v6s, UInt128[] v6e, T[] v6v)
    {
        (_v4Start, _v4End, _v4Value, _v6Start, _v6End, _v6Value) = (v4s, v4e, v4v, v6s, v6e, v6v);
    }

    /// <summary>An empty map.</summary>
    public static IpRangeMap<T> Empty { get; } = new([], [], [], [], [], []);

    /// <summary>Number of compiled disjoint ranges (IPv4 + IPv6).</summary>
    public int RangeCount => _v4Start.Length + _v6Start.Length;

    /// <summary>
    /// Compiles <paramref name="entries"/>. Entries are applied from the broadest prefix to the most
    /// specific; where an address is covered by several, <paramref name="combine"/>(earlier, later)
    /// gives its value (return <c>later</c> for "most specific wins", <c>earlier | later</c> for a union).
    /// </summary>
    public static IpRangeMap<T> Build(IEnumerable<(IPNetwork Network, T Value)> entries, Func<T, T, T> combine)
    {
        var v4 = new List<(UInt128 Start, UInt128 End, int Prefix, T Value)>();
        var v6 = new List<(UInt128 Start, UInt128 End, int Prefix, T Value)>();
        foreach (var (network, value) in entries)
        {
            bool isV4 = network.BaseAddress.AddressFamily == AddressFamily.InterNetwork;
            int bits = isV4 ? 32 : 128;
            UInt128 start = ToNumber(network.BaseAddress);
            UInt128 hostMask = network.PrefixLength == 0 ? (isV4 ? uint.MaxValue : UInt128.MaxValue) : (UInt128.One << (bits - network.PrefixLength)) - 1;
            if (network.PrefixLength == bits) hostMask = 0;
            start &= ~hostMask;
            (isV4 ? v4 : v6).Add((start, start | hostMask, network.PrefixLength, value));
        }
        var (s4, e4, val4) = Compile(v4, uint.MaxValue, combine);
        var (s6, e6, val6) = Compile(v6, UInt128.MaxValue, combine);
        return new IpRangeMap<T>(s4.Select(x => (uint)x).ToArray(), e4.Select(x => (uint)x).ToArray(), val4, s6, e6, val6);
    }

    /// <summary>Parses "a.b.c.d/n", "x::/n" or a bare address (a single host).</summary>
    public static bool TryParseCidr(string? text, out IPNetwork network)
    {
        network = default;
        if (string.IsNullOrWhiteSpace(text)) return false;
        string t = text.Trim();
        if (!t.Contains('/'))
        {
            if (!IPAddress.TryParse(t, out var a)) return false;
            if (a.IsIPv4MappedToIPv6) a = a.MapToIPv4();
            network = new IPNetwork(a, a.AddressFamily == AddressFamily.InterNetwork ? 32 : 128);
            return true;
        }
        // IPNetwork.TryParse refuses host bits set ("10.1.2.3/8"); users write those, so mask them instead.
        int slash = t.IndexOf('/');
        if (!IPAddress.TryParse(t.AsSpan(0, slash), out var address) ||
            !int.TryParse(t.AsSpan(slash + 1), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out int prefix))
            return false;
        if (address.IsIPv4MappedToIPv6 && prefix >= 96)
        {
            address = address.MapToIPv4();
            prefix -= 96;
        }
        int max = address.AddressFamily == AddressFamily.InterNetwork ? 32 : 128;
        if (prefix < 0 || prefix > max) return false;
        UInt128 n = ToNumber(address);
        UInt128 hostMask = prefix == 0 ? (max == 32 ? uint.MaxValue : UInt128.MaxValue) : prefix == max ? 0 : (UInt128.One << (max - prefix)) - 1;
        network = new IPNetwork(FromNumber(n & ~hostMask, max == 32), prefix);
        return true;
    }

    /// <summary>Finds the value for <paramref name="address"/>; false when no range covers it.</summary>
    public bool TryGet(in IpAddr address, out T value)
    {
        // Branch-free binary search for the last range starting at or below the address: the
        // steps depend on the address's bits, which a branch predictor cannot learn.
        if (address.Family == 4)
        {
            int n = _v4Start.Length;
            if (n != 0)
            {
                uint x = address.V4;
                ref uint starts = ref MemoryMarshal.GetArrayDataReference(_v4Start);
                int lo = 0;
                for (int len = n; len > 1;)
                {
                    int half = len >> 1;
                    long d = (long)x - Unsafe.Add(ref starts, lo + half); // ≥ 0 when that range starts at or below x
                    lo += half & ~(int)(d >> 63);
                    len -= half;
                }
                if (Unsafe.Add(ref starts, lo) <= x && x <= _v4End[lo])
                {
                    value = _v4Value[lo];
                    return true;
                }
            }
        }
        else if (address.Family == 6)
        {
            int n = _v6Start.Length;
            if (n != 0)
            {
                UInt128 x = new(address.Hi, address.Lo);
                ref UInt128 starts = ref MemoryMarshal.GetArrayDataReference(_v6Start);
                int lo = 0;
                for (int len = n; len > 1;)
                {
                    int half = len >> 1;
                    lo += Unsafe.Add(ref starts, lo + half) <= x ? half : 0;
                    len -= half;
                }
                if (Unsafe.Add(ref starts, lo) <= x && x <= _v6End[lo])
                {
                    value = _v6Value[lo];
                    return true;
                }
            }
        }
        value = default;
        return false;
    }

    private static (UInt128[] Starts, UInt128[] Ends, T[] Values) Compile(
        List<(UInt128 Start, UInt128 End, int Prefix, T Value)> entries, UInt128 max, Func<T, T, T> combine)
    {
        if (entries.Count == 0) return ([], [], []);
        // Cut the address line at every range edge into elementary segments, paint each range onto
        // its segments from broadest to most specific, then merge neighbours with equal values.
        var cuts = new SortedSet<UInt128>();
        foreach (var e in entries)
        {
            cuts.Add(e.Start);
            if (e.End != max) cuts.Add(e.End + 1);
        }
        UInt128[] points = [.. cuts];
        var values = new T[points.Length];
        var painted = new bool[points.Length];
        foreach (var e in entries.OrderBy(e => e.Prefix))
        {
            int from = Array.BinarySearch(points, e.Start);
            int to = e.End == max ? points.Length : Array.BinarySearch(points, e.End + 1);
            for (int i = from; i < to; i++)
            {
                values[i] = painted[i] ? combine(values[i], e.Value) : e.Value;
                painted[i] = true;
            }
        }
        var starts = new List<UInt128>();
        var ends = new List<UInt128>();
        var vals = new List<T>();
        var cmp = EqualityComparer<T>.Default;
        for (int i = 0; i < points.Length; i++)
        {
            if (!painted[i]) continue;
            UInt128 end = i + 1 < points.Length ? points[i + 1] - 1 : max;
            if (starts.Count > 0 && ends[^1] + 1 == points[i] && cmp.Equals(vals[^1], values[i]))
            {
                ends[^1] = end;
                continue;
            }
            starts.Add(points[i]);
            ends.Add(end);
            vals.Add(values[i]);
        }
        return (starts.ToArray(), ends.ToArray(), vals.ToArray());
    }

    private static UInt128 ToNumber(IPAddress address)
    {
        Span<byte> b = stackalloc byte[16];
        address.TryWriteBytes(b, out int n);
        if (n == 4) return System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(b);
        return System.Buffers.Binary.BinaryPrimitives.ReadUInt128BigEndian(b);
    }

    private static IPAddress FromNumber(UInt128 n, bool v4)
    {
        Span<byte> b = stackalloc byte[16];
        if (v4)
        {
            System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(b, (uint)n);
            return new IPAddress(b[..4]);
        }
        System.Buffers.Binary.BinaryPrimitives.WriteUInt128BigEndian(b, n);
        return new IPAddress(b);
    }
}
