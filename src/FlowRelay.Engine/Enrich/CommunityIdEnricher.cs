using System.Runtime.CompilerServices;
using FlowRelay.Engine.Events;
using FlowRelay.Protocols.Flows;

namespace FlowRelay.Engine.Enrich;

/// <summary>
/// Fills <see cref="FlowEvent.CommunityId"/> (ECS <c>network.community_id</c>) for every flow.
/// The SHA-1 of each record is most of the cost, so the batch's records are hashed eight at a
/// time, one per SIMD lane (<see cref="Sha1MultiBlock"/>), and their base64 written eight at a
/// time too, where the CPU has 256-bit vectors (and is little-endian, as the packed characters assume).
/// </summary>
public sealed class CommunityIdEnricher : IFlowEnricher
{
    private const int Lanes = Sha1MultiBlock.Lanes;

    private readonly ushort _seed;
    private readonly bool _simd;

    /// <summary>Creates the enricher with the Community ID seed (0 unless the site agreed on another).</summary>
    public CommunityIdEnricher(ushort seed = 0) : this(seed, Sha1MultiBlock.IsAccelerated && BitConverter.IsLittleEndian)
    {
    }

    /// <summary>As the public constructor; <paramref name="simd"/> false hashes one record at a time (for tests).</summary>
    internal CommunityIdEnricher(ushort seed, bool simd)
    {
        _seed = seed;
        _simd = simd;
    }

    /// <inheritdoc />
    /// <remarks>Rules and alert samples compute the ID on demand (<see cref="Compute"/>) when this did not run.</remarks>
    public bool DocumentsOnly => true;

    /// <summary>
    /// Writes the Community ID (seed 0, as the relay's enricher uses) of <paramref name="e"/>'s flow into
    /// <paramref name="output"/> (at least <see cref="CommunityIdValue.Length"/> bytes) and returns its
    /// length: the ID this enricher would have set, or -1 when the flow has none (no addresses, an
    /// unsupported protocol). For an event the enricher skipped.
    /// </summary>
    public static int Compute(in FlowEvent e, Span<byte> output)
    {
        ref readonly FlowRecord f = ref e.Flow;
        Ports(f, out ushort sport, out ushort dport);
        return CommunityId.TryCompute(f.SourceAddress, f.DestinationAddress, f.Protocol, sport, dport, output) ? CommunityId.CommunityIdLength : -1;
    }

    /// <inheritdoc />
    [SkipLocalsInit]
    public void Enrich(Span<FlowEvent> events)
    {
        if (!_simd)
        {
            for (int i = 0; i < events.Length; i++)
            {
                ref FlowEvent e = ref events[i];
                ref FlowRecord f = ref e.Flow;
                Ports(f, out ushort sport, out ushort dport);
                e.CommunityId.HasValue = CommunityId.TryCompute(
                    f.SourceAddress, f.DestinationAddress, f.Protocol, sport, dport, e.CommunityId.Bytes, _seed);
            }
            return;
        }

        Span<uint> words = stackalloc uint[16 * Lanes];
        Span<uint> state = stackalloc uint[5 * Lanes];
        Span<uint> quads = stackalloc uint[7 * Lanes];
        Span<int> owner = stackalloc int[Lanes];
        int lanes = 0;
        for (int i = 0; i < events.Length; i++)
        {
            ref FlowEvent e = ref events[i];
            ref FlowRecord f = ref e.Flow;
            Ports(f, out ushort sport, out ushort dport);
            e.CommunityId.HasValue = false;
            if (!CommunityId.TryWriteBlock(f.SourceAddress, f.DestinationAddress, f.Protocol, sport, dport, _seed, words, lanes, Lanes))
                continue;
            owner[lanes++] = i;
            if (lanes == Lanes)
            {
                Flush(events, words, state, quads, owner, lanes);
                lanes = 0;
            }
        }
        // The unused lanes of a last, partial group hold leftovers (an earlier group's blocks, or
        // whatever the stack held): hashed, and ignored.
        if (lanes > 0) Flush(events, words, state, quads, owner, lanes);
    }

    private static void Flush(Span<FlowEvent> events, Span<uint> words, Span<uint> state, Span<uint> quads, Span<int> owner, int lanes)
    {
        Sha1MultiBlock.Compress(words, state);
        CommunityId.EncodeLanes(state, quads);
        for (int l = 0; l < lanes; l++)
        {
            ref FlowEvent e = ref events[owner[l]];
            CommunityId.WriteId(quads, l, e.CommunityId.Bytes);
            e.CommunityId.HasValue = true;
        }
    }

    /// <summary>
    /// The port pair to hash: the ports, or for ICMP/ICMPv6 (type, code). NetFlow exporters carry
    /// ICMP type*256+code in the destination port when they have no dedicated ICMP element (Cisco's
    /// v5 convention, followed by softflowd).
    /// </summary>
    private static void Ports(in FlowRecord f, out ushort sport, out ushort dport)
    {
        sport = f.SourcePort;
        dport = f.DestinationPort;
        if (f.Protocol is 1 or 58)
        {
            ushort typeCode = (f.Present & FlowFields.IcmpTypeCode) != 0 ? f.IcmpTypeCode : f.DestinationPort;
            sport = (ushort)(typeCode >> 8);
            dport = (ushort)(typeCode & 0xFF);
        }
    }
}
