using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using FlowRelay.Protocols.Flows;

namespace FlowRelay.Engine.Enrich;

/// <summary>
/// Community ID v1 (corelight/community-id-spec): SHA-1 over seed, the ordered address pair,
/// protocol, a pad byte and the ordered port pair, base64-encoded with a "1:" prefix.
/// Allocation-free: the hash input is built as the SHA-1 block's words on the stack, and the ID
/// is written into the caller's span. <see cref="CommunityIdEnricher"/> hashes a batch's blocks
/// eight at a time (<see cref="TryWriteBlock"/>, <see cref="Sha1MultiBlock"/>, <see cref="Encode"/>).
/// </summary>
public static class CommunityId
{
    private const byte Icmp = 1;
    private const byte Tcp = 6;
    private const byte Udp = 17;
    private const byte Icmp6 = 58;
    private const byte Sctp = 132;

    /// <summary>
    /// Computes the ID into <paramref name="output"/> (at least 30 bytes) as ASCII.
    /// For ICMP/ICMPv6, <paramref name="sourcePort"/> is the type and <paramref name="destinationPort"/> the code.
    /// </summary>
    [SkipLocalsInit]
    public static bool TryCompute(IpAddr source, IpAddr destination, byte protocol, ushort sourcePort,
        ushort destinationPort, Span<byte> output, ushort seed = 0)
    {
        if (output.Length < CommunityIdLength) return false;
        Span<uint> block = stackalloc uint[16];
        if (!TryWriteBlock(source, destination, protocol, sourcePort, destinationPort, seed, block, 0, 1)) return false;
        Span<uint> state = stackalloc uint[5];
        Sha1SingleBlock.Compress(block, state);
        Encode(state, 0, 1, output);
        return true;
    }

    /// <summary>Length of the ID as ASCII: "1:" and the base64 of a 20-byte SHA-1.</summary>
    internal const int CommunityIdLength = 30;

    /// <summary>
    /// Writes the hash input — seed, ordered addresses, protocol, pad byte, ordered ports — as one
    /// padded SHA-1 block of 16 big-endian words (FIPS 180-4 §5.1.1) into
    /// <paramref name="words"/>: word <c>t</c> at <c>[t * stride + lane]</c>. False (nothing
    /// written) when the pair has no ID: no source, or the addresses' families differ.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static bool TryWriteBlock(in IpAddr source, in IpAddr destination, byte protocol, ushort sourcePort,
        ushort destinationPort, ushort seed, Span<uint> words, int lane, int stride)
    {
        if (!source.IsSet || source.Family != destination.Family) return false;
        if ((uint)lane >= (uint)stride || words.Length < 16 * stride) throw new ArgumentOutOfRangeException(nameof(lane));

        bool hasPorts = protocol is Tcp or Udp or Sctp or Icmp or Icmp6;
        bool oneWay = false;
        if (protocol is Icmp or Icmp6)
        {
            // The spec maps ICMP type/code to a port pair: request/reply types pair with each
            // other; anything else is one-way with (type, code).
            byte type = (byte)sourcePort;
            int counterpart = protocol == Icmp ? IcmpCounterpart(type) : Icmp6Counterpart(type);
            if (counterpart < 0)
            {
                oneWay = true;
            }
            else
            {
                destinationPort = (ushort)counterpart;
            }
        }

        // Addresses order as their network-order bytes do, which is the order of (Hi, Lo) as numbers
        // (an IPv4 address is all in Lo).
        int cmp = source.Hi != destination.Hi ? (source.Hi < destination.Hi ? -1 : 1)
            : source.Lo != destination.Lo ? (source.Lo < destination.Lo ? -1 : 1) : 0;
        ulong sh = source.Hi, sl = source.Lo, dh = destination.Hi, dl = destination.Lo;
        if (!oneWay && (cmp > 0 || (cmp == 0 && sourcePort > destinationPort)))
        {
            (sh, sl, dh, dl) = (dh, dl, sh, sl);
            (sourcePort, destinationPort) = (destinationPort, sourcePort);
        }

        ref uint w0 = ref words[lane];
        for (int t = 3; t < 15; t++) Unsafe.Add(ref w0, t * stride) = 0; // words 0-2 and 15 are always written
        uint tail = (uint)protocol << 8; // protocol, then the pad byte, in the high half of a word
        int n; // words of message written
        if (source.Family == 4)
        {
            // seed(2) src(4) dst(4) proto(1) pad(1): three words
            uint s = (uint)sl, d = (uint)dl;
            Unsafe.Add(ref w0, 0 * stride) = (uint)seed << 16 | s >> 16;
            Unsafe.Add(ref w0, 1 * stride) = s << 16 | d >> 16;
            Unsafe.Add(ref w0, 2 * stride) = d << 16 | tail;
            n = 3;
        }
        else
        {
            // seed(2) src(16) dst(16) proto(1) pad(1): nine words, the addresses two bytes off alignment
            Unsafe.Add(ref w0, 0 * stride) = (uint)seed << 16 | (uint)(sh >> 48);
            Unsafe.Add(ref w0, 1 * stride) = (uint)(sh >> 16);
            Unsafe.Add(ref w0, 2 * stride) = (uint)(sh << 16) | (uint)(sl >> 48);
            Unsafe.Add(ref w0, 3 * stride) = (uint)(sl >> 16);
            Unsafe.Add(ref w0, 4 * stride) = (uint)(sl << 16) | (uint)(dh >> 48);
            Unsafe.Add(ref w0, 5 * stride) = (uint)(dh >> 16);
            Unsafe.Add(ref w0, 6 * stride) = (uint)(dh << 16) | (uint)(dl >> 48);
            Unsafe.Add(ref w0, 7 * stride) = (uint)(dl >> 16);
            Unsafe.Add(ref w0, 8 * stride) = (uint)(dl << 16) | tail;
            n = 9;
        }
        if (hasPorts) Unsafe.Add(ref w0, n++ * stride) = (uint)sourcePort << 16 | destinationPort;
        // Padding: a 1 bit after the message, zeros, then the message length in bits (it fits one word).
        Unsafe.Add(ref w0, n * stride) = 0x8000_0000;
        Unsafe.Add(ref w0, 15 * stride) = (uint)n * 32;
        return true;
    }

    /// <summary>
    /// Writes "1:" and the base64 of the 20-byte digest whose 5 words are at
    /// <c>state[i * stride + lane]</c> into <paramref name="output"/> (30 bytes).
    /// </summary>
    internal static void Encode(ReadOnlySpan<uint> state, int lane, int stride, Span<byte> output)
    {
        if (output.Length < CommunityIdLength || (uint)lane >= (uint)stride || state.Length < 5 * stride)
            throw new ArgumentOutOfRangeException(nameof(output));
        ReadOnlySpan<byte> alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"u8;
        ref byte abc = ref System.Runtime.InteropServices.MemoryMarshal.GetReference(alphabet);
        ref byte o = ref output[0];
        o = (byte)'1';
        Unsafe.Add(ref o, 1) = (byte)':';
        // The 160 bits as six 24-bit groups of four characters, then 16 bits as three characters and '='.
        uint h0 = state[lane], h1 = state[stride + lane], h2 = state[2 * stride + lane], h3 = state[3 * stride + lane], h4 = state[4 * stride + lane];
        Quad(ref abc, ref Unsafe.Add(ref o, 2), h0 >> 8);
        Quad(ref abc, ref Unsafe.Add(ref o, 6), (h0 << 16 | h1 >> 16) & 0xFFFFFF);
        Quad(ref abc, ref Unsafe.Add(ref o, 10), (h1 << 8 | h2 >> 24) & 0xFFFFFF);
        Quad(ref abc, ref Unsafe.Add(ref o, 14), h2 & 0xFFFFFF);
        Quad(ref abc, ref Unsafe.Add(ref o, 18), h3 >> 8);
        Quad(ref abc, ref Unsafe.Add(ref o, 22), (h3 << 16 | h4 >> 16) & 0xFFFFFF);
        uint last = (h4 & 0xFFFF) << 8; // 16 bits padded with zeros to 24
        Unsafe.Add(ref o, 26) = Unsafe.Add(ref abc, (int)(last >> 18));
        Unsafe.Add(ref o, 27) = Unsafe.Add(ref abc, (int)((last >> 12) & 63));
        Unsafe.Add(ref o, 28) = Unsafe.Add(ref abc, (int)((last >> 6) & 63));
        Unsafe.Add(ref o, 29) = (byte)'=';
    }

    /// <summary>
    /// The base64 of the <see cref="Sha1MultiBlock.Lanes"/> digests in <paramref name="state"/>
    /// (word-major, as <see cref="Sha1MultiBlock.Compress"/> leaves them), all lanes at once: the
    /// 28 characters of lane <c>l</c> as 7 words of 4 ASCII bytes (in memory order) at
    /// <c>quads[q * Lanes + l]</c>. <see cref="WriteId"/> puts one lane's into an ID.
    /// </summary>
    internal static void EncodeLanes(ReadOnlySpan<uint> state, Span<uint> quads)
    {
        const int Lanes = Sha1MultiBlock.Lanes;
        if (state.Length < 5 * Lanes || quads.Length < 7 * Lanes) throw new ArgumentOutOfRangeException(nameof(quads));
        ref uint h = ref System.Runtime.InteropServices.MemoryMarshal.GetReference(state);
        ref uint q = ref System.Runtime.InteropServices.MemoryMarshal.GetReference(quads);
        Vector256<uint> h0 = Vector256.LoadUnsafe(ref h, 0 * Lanes), h1 = Vector256.LoadUnsafe(ref h, 1 * Lanes);
        Vector256<uint> h2 = Vector256.LoadUnsafe(ref h, 2 * Lanes), h3 = Vector256.LoadUnsafe(ref h, 3 * Lanes);
        Vector256<uint> h4 = Vector256.LoadUnsafe(ref h, 4 * Lanes);
        Vector256<uint> low24 = Vector256.Create(0xFFFFFFu);
        // The same six 24-bit groups and final 16 bits as Encode, eight lanes at a time.
        Chars(h0 >> 8).StoreUnsafe(ref q, 0 * Lanes);
        Chars(((h0 << 16) | (h1 >> 16)) & low24).StoreUnsafe(ref q, 1 * Lanes);
        Chars(((h1 << 8) | (h2 >> 24)) & low24).StoreUnsafe(ref q, 2 * Lanes);
        Chars(h2 & low24).StoreUnsafe(ref q, 3 * Lanes);
        Chars(h3 >> 8).StoreUnsafe(ref q, 4 * Lanes);
        Chars(((h3 << 16) | (h4 >> 16)) & low24).StoreUnsafe(ref q, 5 * Lanes);
        Vector256<uint> last = Chars((h4 & Vector256.Create(0xFFFFu)) << 8); // its fourth character is padding
        ((last & Vector256.Create(0x00FFFFFFu)) | Vector256.Create((uint)'=' << 24)).StoreUnsafe(ref q, 6 * Lanes);
    }

    /// <summary>Writes "1:" and lane <paramref name="lane"/>'s characters from <see cref="EncodeLanes"/> into <paramref name="output"/> (30 bytes).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void WriteId(ReadOnlySpan<uint> quads, int lane, Span<byte> output)
    {
        const int Lanes = Sha1MultiBlock.Lanes;
        if (output.Length < CommunityIdLength || (uint)lane >= Lanes || quads.Length < 7 * Lanes)
            throw new ArgumentOutOfRangeException(nameof(output));
        ref byte o = ref System.Runtime.InteropServices.MemoryMarshal.GetReference(output);
        ref uint q = ref Unsafe.Add(ref System.Runtime.InteropServices.MemoryMarshal.GetReference(quads), lane);
        Unsafe.WriteUnaligned(ref o, (ushort)('1' | ':' << 8));
        for (int i = 0; i < 7; i++) Unsafe.WriteUnaligned(ref Unsafe.Add(ref o, 2 + 4 * i), Unsafe.Add(ref q, i * Lanes));
    }

    /// <summary>The four base64 characters of each lane's 24-bit group, first character in the lowest byte.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<uint> Chars(Vector256<uint> group)
    {
        // The four 6-bit values, one per byte, most significant first.
        Vector256<uint> sextets = (group >> 18) | ((group >> 4) & Vector256.Create(0x3F00u)) |
                                  ((group << 10) & Vector256.Create(0x3F0000u)) | ((group << 24) & Vector256.Create(0x3F000000u));
        // 0-25 → 'A'-'Z', 26-51 → 'a'-'z', 52-61 → '0'-'9', 62 → '+', 63 → '/': 'A' plus a step per range passed.
        Vector256<sbyte> v = sextets.AsSByte();
        Vector256<sbyte> c = v + Vector256.Create((sbyte)'A')
            + (Vector256.GreaterThan(v, Vector256.Create((sbyte)25)) & Vector256.Create((sbyte)('a' - 'A' - 26)))
            + (Vector256.GreaterThan(v, Vector256.Create((sbyte)51)) & Vector256.Create((sbyte)('0' - 'a' - 26)))
            + (Vector256.GreaterThan(v, Vector256.Create((sbyte)61)) & Vector256.Create((sbyte)('+' - '0' - 10)))
            + (Vector256.GreaterThan(v, Vector256.Create((sbyte)62)) & Vector256.Create((sbyte)('/' - '+' - 1)));
        return c.AsUInt32();
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Quad(ref byte alphabet, ref byte o, uint group)
    {
        o = Unsafe.Add(ref alphabet, (int)(group >> 18));
        Unsafe.Add(ref o, 1) = Unsafe.Add(ref alphabet, (int)((group >> 12) & 63));
        Unsafe.Add(ref o, 2) = Unsafe.Add(ref alphabet, (int)((group >> 6) & 63));
        Unsafe.Add(ref o, 3) = Unsafe.Add(ref alphabet, (int)(group & 63));
    }

    private static int IcmpCounterpart(byte type) => type switch
    {
        8 => 0, 0 => 8, // echo / echo reply
        13 => 14, 14 => 13, // timestamp
        15 => 16, 16 => 15, // information
        10 => 9, // router solicitation → advertisement
        17 => 18, 18 => 17, // address mask
        _ => -1,
    };

    private static int Icmp6Counterpart(byte type) => type switch
    {
        128 => 129, 129 => 128, // echo
        133 => 134, 134 => 133, // router solicitation / advertisement
        135 => 136, 136 => 135, // neighbour solicitation / advertisement
        130 => 131, 131 => 130, // MLD query / report
        139 => 140, 140 => 139, // node information (WRU)
        144 => 145, 145 => 144, // home agent address discovery
        _ => -1,
    };
}
