using System.Buffers.Binary;
using System.Net;

namespace FlowRelay.Protocols.Tests.Support;

/// <summary>A tiny big-endian writer for hand-made export packets.</summary>
public sealed class Bytes
{
    private readonly List<byte> _b = new();

    public int Length => _b.Count;

    public Bytes U8(int v) { _b.Add((byte)v); return this; }
    public Bytes U16(int v) { _b.Add((byte)(v >> 8)); _b.Add((byte)v); return this; }
    public Bytes U32(uint v) { Span<byte> s = stackalloc byte[4]; BinaryPrimitives.WriteUInt32BigEndian(s, v); foreach (var x in s) _b.Add(x); return this; }
    public Bytes U64(ulong v) { Span<byte> s = stackalloc byte[8]; BinaryPrimitives.WriteUInt64BigEndian(s, v); foreach (var x in s) _b.Add(x); return this; }
    /// <summary>An unsigned integer in <paramref name="size"/> bytes (reduced-size encoding).</summary>
    public Bytes UN(ulong v, int size) { for (int i = size - 1; i >= 0; i--) _b.Add((byte)(v >> (8 * i))); return this; }
    public Bytes Ip(string ip) { _b.AddRange(IPAddress.Parse(ip).GetAddressBytes()); return this; }
    public Bytes Raw(params byte[] bytes) { _b.AddRange(bytes); return this; }
    public Bytes Raw(Bytes other) { _b.AddRange(other._b); return this; }
    public Bytes Zeros(int n) { for (int i = 0; i < n; i++) _b.Add(0); return this; }

    /// <summary>Overwrites a 16-bit value at <paramref name="offset"/>.</summary>
    public Bytes Patch16(int offset, int v) { _b[offset] = (byte)(v >> 8); _b[offset + 1] = (byte)v; return this; }

    public byte[] ToArray() => _b.ToArray();
}
