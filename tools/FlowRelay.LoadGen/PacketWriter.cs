using System.Buffers.Binary;

namespace FlowRelay.LoadGen;

/// <summary>Builds one export packet: the header, then sets; fills in lengths and counts at the end.</summary>
internal sealed class PacketWriter
{
    private readonly ExportFormat _format;
    private readonly byte[] _buffer = new byte[65535];
    private int _length;

    public PacketWriter(ExportFormat format, uint domain)
    {
        _format = format;
        if (format == ExportFormat.Ipfix)
        {
            U16(10); U16(0); U32(0); U32(0); U32(domain); // version, length, export time, sequence, observation domain
        }
        else
        {
            U16(9); U16(0); U32(0); U32(0); U32(0); U32(domain); // version, count, sysUptime, unix secs, sequence, source id
        }
    }

    /// <summary>v9 header count: templates, options and data records in the packet.</summary>
    public int Count { get; set; }

    public int Length => _length;

    public int BeginSet(ushort id)
    {
        int start = _length;
        U16(id);
        U16(0);
        return start;
    }

    public void EndSet(int start, bool pad)
    {
        // RFC 3954 5.3: a v9 FlowSet is padded to a 32-bit boundary.
        if (pad) while ((_length - start) % 4 != 0) U8(0);
        BinaryPrimitives.WriteUInt16BigEndian(_buffer.AsSpan(start + 2), (ushort)(_length - start));
    }

    public void U8(byte v) => _buffer[_length++] = v;
    public void U16(ushort v) { BinaryPrimitives.WriteUInt16BigEndian(_buffer.AsSpan(_length), v); _length += 2; }
    public void U32(uint v) { BinaryPrimitives.WriteUInt32BigEndian(_buffer.AsSpan(_length), v); _length += 4; }
    public void U64(ulong v) { BinaryPrimitives.WriteUInt64BigEndian(_buffer.AsSpan(_length), v); _length += 8; }
    public void Bytes(ReadOnlySpan<byte> b) { b.CopyTo(_buffer.AsSpan(_length)); _length += b.Length; }

    public byte[] ToArray()
    {
        if (_format == ExportFormat.Ipfix) BinaryPrimitives.WriteUInt16BigEndian(_buffer.AsSpan(2), (ushort)_length);
        else BinaryPrimitives.WriteUInt16BigEndian(_buffer.AsSpan(2), (ushort)Count);
        return _buffer.AsSpan(0, _length).ToArray();
    }
}
