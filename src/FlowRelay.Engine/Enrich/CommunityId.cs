using System.Buffers.Binary;
using System.Buffers.Text;
using FlowRelay.Protocols.Flows;

namespace FlowRelay.Engine.Enrich;

/// <summary>
/// Community ID v1 (corelight/community-id-spec): SHA-1 over seed, the ordered address pair,
/// protocol, a pad byte and the ordered port pair, base64-encoded with a "1:" prefix.
/// Allocation-free: hashes from a stack buffer into the caller's span.
/// </summary>
public static class CommunityId
{
    private const byte Icmp = 1;
    private const byte Tcp = 6;
    private const byte Udp = 17;
    private const byte Icmp6 = 58;
    private const byte Sctp = 132;

    /// <summary>
    /// Computes the ID into <paramref name="destination"/> (at least 30 bytes) as ASCII.
    /// For ICMP/ICMPv6, <paramref name="sourcePort"/> is the type and <paramref name="destinationPort"/> the code.
    /// </summary>
    public static bool TryCompute(IpAddr source, IpAddr destination, byte protocol, ushort sourcePort,
        ushort destinationPort, Span<byte> output, ushort seed = 0)
    {
        if (!source.IsSet || source.Family != destination.Family || output.Length < 30) return false;

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

        Span<byte> src = stackalloc byte[16];
        Span<byte> dst = stackalloc byte[16];
        int len = source.WriteBytes(src);
        destination.WriteBytes(dst);
        src = src[..len];
        dst = dst[..len];

        int cmp = src.SequenceCompareTo(dst);
        bool swap = !oneWay && (cmp > 0 || (cmp == 0 && sourcePort > destinationPort));
        if (swap)
        {
            Span<byte> t = src;
            src = dst;
            dst = t;
            (sourcePort, destinationPort) = (destinationPort, sourcePort);
        }

        Span<byte> input = stackalloc byte[2 + 16 + 16 + 2 + 4];
        int pos = 0;
        BinaryPrimitives.WriteUInt16BigEndian(input, seed);
        pos += 2;
        src.CopyTo(input[pos..]);
        pos += len;
        dst.CopyTo(input[pos..]);
        pos += len;
        input[pos++] = protocol;
        input[pos++] = 0;
        if (hasPorts)
        {
            BinaryPrimitives.WriteUInt16BigEndian(input[pos..], sourcePort);
            BinaryPrimitives.WriteUInt16BigEndian(input[(pos + 2)..], destinationPort);
            pos += 4;
        }

        Span<byte> hash = stackalloc byte[20];
        Sha1SingleBlock.Hash(input[..pos], hash);
        output[0] = (byte)'1';
        output[1] = (byte)':';
        return Base64.EncodeToUtf8(hash, output[2..], out _, out int written) == System.Buffers.OperationStatus.Done
            && written == 28;
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
