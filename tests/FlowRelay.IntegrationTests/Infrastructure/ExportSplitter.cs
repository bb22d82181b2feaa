using System.Buffers.Binary;

namespace FlowRelay.IntegrationTests.Infrastructure;

/// <summary>
/// Splits one real NetFlow v9 / IPFIX export packet into two well-formed packets with the same
/// header: one with only the template sets (templates and options templates), one with only the
/// data sets. Sending the data packet first is "data before its template". The v9 record count
/// and the IPFIX message length are rewritten to match each packet (RFC 3954 section 5.1,
/// RFC 7011 section 3.1).
/// </summary>
public static class ExportSplitter
{
    public sealed record Split(byte[] TemplatesOnly, byte[] DataOnly, int DataRecords);

    public static Split Apply(byte[] packet)
    {
        int version = BinaryPrimitives.ReadUInt16BigEndian(packet);
        bool ipfix = version == 10;
        if (version is not (9 or 10)) throw new ArgumentException($"not a v9/IPFIX packet (version {version})");
        int headerLength = ipfix ? 16 : 20;
        int end = ipfix ? BinaryPrimitives.ReadUInt16BigEndian(packet.AsSpan(2)) : packet.Length;
        int templateSet = ipfix ? 2 : 0, optionsSet = ipfix ? 3 : 1;

        var recordLengths = new Dictionary<int, int>();
        var templates = new List<byte[]>();
        var data = new List<byte[]>();
        int templateRecords = 0, dataRecords = 0;
        for (int at = headerLength; at + 4 <= end;)
        {
            int id = BinaryPrimitives.ReadUInt16BigEndian(packet.AsSpan(at));
            int length = BinaryPrimitives.ReadUInt16BigEndian(packet.AsSpan(at + 2));
            if (length < 4 || at + length > end) throw new InvalidDataException($"bad set length {length} at {at}");
            var set = packet.AsSpan(at, length);
            if (id == templateSet || id == optionsSet)
            {
                templates.Add(set.ToArray());
                templateRecords += ReadTemplates(set[4..], id == optionsSet, ipfix, recordLengths);
            }
            else if (id >= 256)
            {
                data.Add(set.ToArray());
                if (!recordLengths.TryGetValue(id, out int recordLength) || recordLength == 0)
                    throw new InvalidDataException($"data set {id} before its template in the source packet");
                dataRecords += (length - 4) / recordLength; // the remainder is padding
            }
            at += length;
        }
        return new Split(
            Build(packet.AsSpan(0, headerLength), templates, ipfix, templateRecords),
            Build(packet.AsSpan(0, headerLength), data, ipfix, dataRecords),
            dataRecords);
    }

    private static int ReadTemplates(ReadOnlySpan<byte> body, bool options, bool ipfix, Dictionary<int, int> recordLengths)
    {
        int count = 0;
        while (body.Length >= 4)
        {
            int id = BinaryPrimitives.ReadUInt16BigEndian(body);
            if (id < 256) break; // padding
            int fields, skipHeader;
            if (!options)
            {
                fields = BinaryPrimitives.ReadUInt16BigEndian(body[2..]);
                skipHeader = 4;
            }
            else if (ipfix)
            {
                fields = BinaryPrimitives.ReadUInt16BigEndian(body[2..]);
                skipHeader = 6;
            }
            else
            {
                // v9 options template: scope and option lengths are in bytes, 4 per field.
                fields = (BinaryPrimitives.ReadUInt16BigEndian(body[2..]) + BinaryPrimitives.ReadUInt16BigEndian(body[4..])) / 4;
                skipHeader = 6;
            }
            int at = skipHeader, recordLength = 0;
            for (int i = 0; i < fields; i++)
            {
                int type = BinaryPrimitives.ReadUInt16BigEndian(body[at..]);
                recordLength += BinaryPrimitives.ReadUInt16BigEndian(body[(at + 2)..]);
                at += ipfix && (type & 0x8000) != 0 ? 8 : 4; // enterprise number follows
            }
            recordLengths[id] = recordLength;
            count++;
            body = body[at..];
        }
        return count;
    }

    private static byte[] Build(ReadOnlySpan<byte> header, List<byte[]> sets, bool ipfix, int records)
    {
        var result = new byte[header.Length + sets.Sum(s => s.Length)];
        header.CopyTo(result);
        int at = header.Length;
        foreach (var s in sets)
        {
            s.CopyTo(result, at);
            at += s.Length;
        }
        if (ipfix) BinaryPrimitives.WriteUInt16BigEndian(result.AsSpan(2), (ushort)result.Length);
        else BinaryPrimitives.WriteUInt16BigEndian(result.AsSpan(2), (ushort)records);
        return result;
    }
}
