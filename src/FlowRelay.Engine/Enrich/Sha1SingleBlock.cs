using System.Buffers.Binary;
using System.Numerics;
using System.Runtime.CompilerServices;

namespace FlowRelay.Engine.Enrich;

/// <summary>
/// SHA-1 (FIPS 180-4 §6.1) of a message that fits one 64-byte block once padded (at most 55
/// bytes), computed in managed code. Community ID hashes at most 40 bytes per flow; calling the
/// platform's crypto library for that costs several times the hash itself. Checked against
/// <see cref="System.Security.Cryptography.SHA1"/> in the tests. <see cref="Sha1MultiBlock"/>
/// hashes eight such blocks at once with SIMD; this is the one-at-a-time path.
/// </summary>
internal static class Sha1SingleBlock
{
    /// <summary>The longest message that fits one block with its padding and length.</summary>
    public const int MaxMessageLength = 55;

    /// <summary>The initial hash value H(0) (FIPS 180-4 §5.3.1).</summary>
    public const uint H0 = 0x67452301, H1 = 0xEFCDAB89, H2 = 0x98BADCFE, H3 = 0x10325476, H4 = 0xC3D2E1F0;

    /// <summary>The round constants K (FIPS 180-4 §4.2.1).</summary>
    public const uint K0 = 0x5A827999, K1 = 0x6ED9EBA1, K2 = 0x8F1BBCDC, K3 = 0xCA62C1D6;

    /// <summary>Hashes <paramref name="message"/> (≤ 55 bytes) into <paramref name="digest"/> (20 bytes).</summary>
    [SkipLocalsInit]
    public static void Hash(ReadOnlySpan<byte> message, Span<byte> digest)
    {
        if (message.Length > MaxMessageLength) throw new ArgumentOutOfRangeException(nameof(message));
        Span<byte> block = stackalloc byte[64];
        block.Clear();
        message.CopyTo(block);
        block[message.Length] = 0x80;
        BinaryPrimitives.WriteUInt64BigEndian(block[56..], (ulong)message.Length * 8);

        Span<uint> w = stackalloc uint[16];
        for (int t = 0; t < 16; t++) w[t] = BinaryPrimitives.ReadUInt32BigEndian(block[(t * 4)..]);
        Span<uint> state = stackalloc uint[5];
        Compress(w, state);
        for (int i = 0; i < 5; i++) BinaryPrimitives.WriteUInt32BigEndian(digest[(i * 4)..], state[i]);
    }

    /// <summary>
    /// The SHA-1 of one padded block given as its 16 big-endian words (<paramref name="w"/>, which
    /// is used as the message schedule and overwritten): the 5 words of the digest into <paramref name="state"/>.
    /// </summary>
    public static void Compress(Span<uint> w, Span<uint> state)
    {
        if (w.Length < 16 || state.Length < 5) throw new ArgumentOutOfRangeException(nameof(w));
        uint a = H0, b = H1, c = H2, d = H3, e = H4;
        // The schedule is kept as a ring of 16 words: W[t] replaces W[t-16] (FIPS 180-4 §6.1.3).
        for (int t = 0; t < 80; t++)
        {
            uint wt;
            if (t < 16)
            {
                wt = w[t];
            }
            else
            {
                wt = BitOperations.RotateLeft(w[(t - 3) & 15] ^ w[(t - 8) & 15] ^ w[(t - 14) & 15] ^ w[t & 15], 1);
                w[t & 15] = wt;
            }
            uint f, k;
            if (t < 20) { f = (b & c) | (~b & d); k = K0; }
            else if (t < 40) { f = b ^ c ^ d; k = K1; }
            else if (t < 60) { f = (b & c) | (b & d) | (c & d); k = K2; }
            else { f = b ^ c ^ d; k = K3; }
            uint temp = BitOperations.RotateLeft(a, 5) + f + e + k + wt;
            e = d;
            d = c;
            c = BitOperations.RotateLeft(b, 30);
            b = a;
            a = temp;
        }
        state[0] = H0 + a;
        state[1] = H1 + b;
        state[2] = H2 + c;
        state[3] = H3 + d;
        state[4] = H4 + e;
    }
}
