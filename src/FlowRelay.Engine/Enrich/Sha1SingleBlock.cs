using System.Buffers.Binary;
using System.Numerics;

namespace FlowRelay.Engine.Enrich;

/// <summary>
/// SHA-1 (FIPS 180-4 §6.1) of a message that fits one 64-byte block once padded (at most 55
/// bytes), computed in managed code. Community ID hashes at most 40 bytes per flow; calling the
/// platform's crypto library for that costs several times the hash itself. Checked against
/// <see cref="System.Security.Cryptography.SHA1"/> in the tests.
/// </summary>
internal static class Sha1SingleBlock
{
    /// <summary>The longest message that fits one block with its padding and length.</summary>
    public const int MaxMessageLength = 55;

    /// <summary>Hashes <paramref name="message"/> (≤ 55 bytes) into <paramref name="digest"/> (20 bytes).</summary>
    public static void Hash(ReadOnlySpan<byte> message, Span<byte> digest)
    {
        if (message.Length > MaxMessageLength) throw new ArgumentOutOfRangeException(nameof(message));
        Span<byte> block = stackalloc byte[64];
        block.Clear();
        message.CopyTo(block);
        block[message.Length] = 0x80;
        BinaryPrimitives.WriteUInt64BigEndian(block[56..], (ulong)message.Length * 8);

        Span<uint> w = stackalloc uint[80];
        for (int t = 0; t < 16; t++) w[t] = BinaryPrimitives.ReadUInt32BigEndian(block[(t * 4)..]);
        for (int t = 16; t < 80; t++) w[t] = BitOperations.RotateLeft(w[t - 3] ^ w[t - 8] ^ w[t - 14] ^ w[t - 16], 1);

        uint a = 0x67452301, b = 0xEFCDAB89, c = 0x98BADCFE, d = 0x10325476, e = 0xC3D2E1F0;
        for (int t = 0; t < 80; t++)
        {
            uint f, k;
            if (t < 20) { f = (b & c) | (~b & d); k = 0x5A827999; }
            else if (t < 40) { f = b ^ c ^ d; k = 0x6ED9EBA1; }
            else if (t < 60) { f = (b & c) | (b & d) | (c & d); k = 0x8F1BBCDC; }
            else { f = b ^ c ^ d; k = 0xCA62C1D6; }
            uint temp = BitOperations.RotateLeft(a, 5) + f + e + k + w[t];
            e = d;
            d = c;
            c = BitOperations.RotateLeft(b, 30);
            b = a;
            a = temp;
        }
        BinaryPrimitives.WriteUInt32BigEndian(digest, 0x67452301 + a);
        BinaryPrimitives.WriteUInt32BigEndian(digest[4..], 0xEFCDAB89 + b);
        BinaryPrimitives.WriteUInt32BigEndian(digest[8..], 0x98BADCFE + c);
        BinaryPrimitives.WriteUInt32BigEndian(digest[12..], 0x10325476 + d);
        BinaryPrimitives.WriteUInt32BigEndian(digest[16..], 0xC3D2E1F0 + e);
    }
}
