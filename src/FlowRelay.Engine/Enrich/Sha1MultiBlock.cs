using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace FlowRelay.Engine.Enrich;

/// <summary>
/// SHA-1 of eight one-block messages at once, one per 32-bit lane of a 256-bit vector: the same
/// rounds as <see cref="Sha1SingleBlock.Compress"/>, on eight independent blocks. A batch of flows
/// needs one Community ID per record, so the enricher hashes them eight at a time; on a CPU
/// without 256-bit SIMD (<see cref="IsAccelerated"/> false) it hashes one at a time instead.
/// Word-major layout: word <c>t</c> of lane <c>l</c> is at <c>[t * Lanes + l]</c>, in and out.
/// Checked against <see cref="System.Security.Cryptography.SHA1"/> in the tests.
/// </summary>
internal static class Sha1MultiBlock
{
    /// <summary>Blocks hashed per call.</summary>
    public const int Lanes = 8;

    /// <summary>True when 256-bit vectors run in hardware, so this beats eight calls of <see cref="Sha1SingleBlock"/>.</summary>
    public static bool IsAccelerated => Vector256.IsHardwareAccelerated;

    /// <summary>
    /// Hashes the <see cref="Lanes"/> padded blocks in <paramref name="words"/> (16 big-endian words
    /// each, word-major) into <paramref name="state"/> (the 5 digest words of each, word-major).
    /// </summary>
    [SkipLocalsInit]
    public static void Compress(ReadOnlySpan<uint> words, Span<uint> state)
    {
        if (words.Length < 16 * Lanes || state.Length < 5 * Lanes) throw new ArgumentOutOfRangeException(nameof(words));
        ref uint src = ref MemoryMarshal.GetReference(words);
        Vector256<uint> w0 = Load(ref src, 0), w1 = Load(ref src, 1), w2 = Load(ref src, 2), w3 = Load(ref src, 3);
        Vector256<uint> w4 = Load(ref src, 4), w5 = Load(ref src, 5), w6 = Load(ref src, 6), w7 = Load(ref src, 7);
        Vector256<uint> w8 = Load(ref src, 8), w9 = Load(ref src, 9), w10 = Load(ref src, 10), w11 = Load(ref src, 11);
        Vector256<uint> w12 = Load(ref src, 12), w13 = Load(ref src, 13), w14 = Load(ref src, 14), w15 = Load(ref src, 15);

        Vector256<uint> a = Vector256.Create(Sha1SingleBlock.H0);
        Vector256<uint> b = Vector256.Create(Sha1SingleBlock.H1);
        Vector256<uint> c = Vector256.Create(Sha1SingleBlock.H2);
        Vector256<uint> d = Vector256.Create(Sha1SingleBlock.H3);
        Vector256<uint> e = Vector256.Create(Sha1SingleBlock.H4);
        Vector256<uint> k0 = Vector256.Create(Sha1SingleBlock.K0), k1 = Vector256.Create(Sha1SingleBlock.K1);
        Vector256<uint> k2 = Vector256.Create(Sha1SingleBlock.K2), k3 = Vector256.Create(Sha1SingleBlock.K3);

        // The 80 rounds written out (generated): the schedule W[t] is a ring of 16 registers
        // (W[t] replaces W[t-16], FIPS 180-4 §6.1.3), and instead of shifting a..e every round
        // the names rotate, so round t adds into the variable that holds e at that round. The terms
        // that do not wait for the previous round's result are summed first.
        // Ch(b, c, d) is ConditionalSelect(b, c, d); Maj(b, c, d) is ConditionalSelect(b ^ c, d, b).
        e += k0 + w0 + Vector256.ConditionalSelect(b, c, d) + Rol(a, 5);
        b = Rol(b, 30);
        d += k0 + w1 + Vector256.ConditionalSelect(a, b, c) + Rol(e, 5);
        a = Rol(a, 30);
        c += k0 + w2 + Vector256.ConditionalSelect(e, a, b) + Rol(d, 5);
        e = Rol(e, 30);
        b += k0 + w3 + Vector256.ConditionalSelect(d, e, a) + Rol(c, 5);
        d = Rol(d, 30);
        a += k0 + w4 + Vector256.ConditionalSelect(c, d, e) + Rol(b, 5);
        c = Rol(c, 30);
        e += k0 + w5 + Vector256.ConditionalSelect(b, c, d) + Rol(a, 5);
        b = Rol(b, 30);
        d += k0 + w6 + Vector256.ConditionalSelect(a, b, c) + Rol(e, 5);
        a = Rol(a, 30);
        c += k0 + w7 + Vector256.ConditionalSelect(e, a, b) + Rol(d, 5);
        e = Rol(e, 30);
        b += k0 + w8 + Vector256.ConditionalSelect(d, e, a) + Rol(c, 5);
        d = Rol(d, 30);
        a += k0 + w9 + Vector256.ConditionalSelect(c, d, e) + Rol(b, 5);
        c = Rol(c, 30);
        e += k0 + w10 + Vector256.ConditionalSelect(b, c, d) + Rol(a, 5);
        b = Rol(b, 30);
        d += k0 + w11 + Vector256.ConditionalSelect(a, b, c) + Rol(e, 5);
        a = Rol(a, 30);
        c += k0 + w12 + Vector256.ConditionalSelect(e, a, b) + Rol(d, 5);
        e = Rol(e, 30);
        b += k0 + w13 + Vector256.ConditionalSelect(d, e, a) + Rol(c, 5);
        d = Rol(d, 30);
        a += k0 + w14 + Vector256.ConditionalSelect(c, d, e) + Rol(b, 5);
        c = Rol(c, 30);
        e += k0 + w15 + Vector256.ConditionalSelect(b, c, d) + Rol(a, 5);
        b = Rol(b, 30);
        w0 = Rol(w13 ^ w8 ^ w2 ^ w0, 1);
        d += k0 + w0 + Vector256.ConditionalSelect(a, b, c) + Rol(e, 5);
        a = Rol(a, 30);
        w1 = Rol(w14 ^ w9 ^ w3 ^ w1, 1);
        c += k0 + w1 + Vector256.ConditionalSelect(e, a, b) + Rol(d, 5);
        e = Rol(e, 30);
        w2 = Rol(w15 ^ w10 ^ w4 ^ w2, 1);
        b += k0 + w2 + Vector256.ConditionalSelect(d, e, a) + Rol(c, 5);
        d = Rol(d, 30);
        w3 = Rol(w0 ^ w11 ^ w5 ^ w3, 1);
        a += k0 + w3 + Vector256.ConditionalSelect(c, d, e) + Rol(b, 5);
        c = Rol(c, 30);
        w4 = Rol(w1 ^ w12 ^ w6 ^ w4, 1);
        e += k1 + w4 + (b ^ c ^ d) + Rol(a, 5);
        b = Rol(b, 30);
        w5 = Rol(w2 ^ w13 ^ w7 ^ w5, 1);
        d += k1 + w5 + (a ^ b ^ c) + Rol(e, 5);
        a = Rol(a, 30);
        w6 = Rol(w3 ^ w14 ^ w8 ^ w6, 1);
        c += k1 + w6 + (e ^ a ^ b) + Rol(d, 5);
        e = Rol(e, 30);
        w7 = Rol(w4 ^ w15 ^ w9 ^ w7, 1);
        b += k1 + w7 + (d ^ e ^ a) + Rol(c, 5);
        d = Rol(d, 30);
        w8 = Rol(w5 ^ w0 ^ w10 ^ w8, 1);
        a += k1 + w8 + (c ^ d ^ e) + Rol(b, 5);
        c = Rol(c, 30);
        w9 = Rol(w6 ^ w1 ^ w11 ^ w9, 1);
        e += k1 + w9 + (b ^ c ^ d) + Rol(a, 5);
        b = Rol(b, 30);
        w10 = Rol(w7 ^ w2 ^ w12 ^ w10, 1);
        d += k1 + w10 + (a ^ b ^ c) + Rol(e, 5);
        a = Rol(a, 30);
        w11 = Rol(w8 ^ w3 ^ w13 ^ w11, 1);
        c += k1 + w11 + (e ^ a ^ b) + Rol(d, 5);
        e = Rol(e, 30);
        w12 = Rol(w9 ^ w4 ^ w14 ^ w12, 1);
        b += k1 + w12 + (d ^ e ^ a) + Rol(c, 5);
        d = Rol(d, 30);
        w13 = Rol(w10 ^ w5 ^ w15 ^ w13, 1);
        a += k1 + w13 + (c ^ d ^ e) + Rol(b, 5);
        c = Rol(c, 30);
        w14 = Rol(w11 ^ w6 ^ w0 ^ w14, 1);
        e += k1 + w14 + (b ^ c ^ d) + Rol(a, 5);
        b = Rol(b, 30);
        w15 = Rol(w12 ^ w7 ^ w1 ^ w15, 1);
        d += k1 + w15 + (a ^ b ^ c) + Rol(e, 5);
        a = Rol(a, 30);
        w0 = Rol(w13 ^ w8 ^ w2 ^ w0, 1);
        c += k1 + w0 + (e ^ a ^ b) + Rol(d, 5);
        e = Rol(e, 30);
        w1 = Rol(w14 ^ w9 ^ w3 ^ w1, 1);
        b += k1 + w1 + (d ^ e ^ a) + Rol(c, 5);
        d = Rol(d, 30);
        w2 = Rol(w15 ^ w10 ^ w4 ^ w2, 1);
        a += k1 + w2 + (c ^ d ^ e) + Rol(b, 5);
        c = Rol(c, 30);
        w3 = Rol(w0 ^ w11 ^ w5 ^ w3, 1);
        e += k1 + w3 + (b ^ c ^ d) + Rol(a, 5);
        b = Rol(b, 30);
        w4 = Rol(w1 ^ w12 ^ w6 ^ w4, 1);
        d += k1 + w4 + (a ^ b ^ c) + Rol(e, 5);
        a = Rol(a, 30);
        w5 = Rol(w2 ^ w13 ^ w7 ^ w5, 1);
        c += k1 + w5 + (e ^ a ^ b) + Rol(d, 5);
        e = Rol(e, 30);
        w6 = Rol(w3 ^ w14 ^ w8 ^ w6, 1);
        b += k1 + w6 + (d ^ e ^ a) + Rol(c, 5);
        d = Rol(d, 30);
        w7 = Rol(w4 ^ w15 ^ w9 ^ w7, 1);
        a += k1 + w7 + (c ^ d ^ e) + Rol(b, 5);
        c = Rol(c, 30);
        w8 = Rol(w5 ^ w0 ^ w10 ^ w8, 1);
        e += k2 + w8 + Vector256.ConditionalSelect(b ^ c, d, b) + Rol(a, 5);
        b = Rol(b, 30);
        w9 = Rol(w6 ^ w1 ^ w11 ^ w9, 1);
        d += k2 + w9 + Vector256.ConditionalSelect(a ^ b, c, a) + Rol(e, 5);
        a = Rol(a, 30);
        w10 = Rol(w7 ^ w2 ^ w12 ^ w10, 1);
        c += k2 + w10 + Vector256.ConditionalSelect(e ^ a, b, e) + Rol(d, 5);
        e = Rol(e, 30);
        w11 = Rol(w8 ^ w3 ^ w13 ^ w11, 1);
        b += k2 + w11 + Vector256.ConditionalSelect(d ^ e, a, d) + Rol(c, 5);
        d = Rol(d, 30);
        w12 = Rol(w9 ^ w4 ^ w14 ^ w12, 1);
        a += k2 + w12 + Vector256.ConditionalSelect(c ^ d, e, c) + Rol(b, 5);
        c = Rol(c, 30);
        w13 = Rol(w10 ^ w5 ^ w15 ^ w13, 1);
        e += k2 + w13 + Vector256.ConditionalSelect(b ^ c, d, b) + Rol(a, 5);
        b = Rol(b, 30);
        w14 = Rol(w11 ^ w6 ^ w0 ^ w14, 1);
        d += k2 + w14 + Vector256.ConditionalSelect(a ^ b, c, a) + Rol(e, 5);
        a = Rol(a, 30);
        w15 = Rol(w12 ^ w7 ^ w1 ^ w15, 1);
        c += k2 + w15 + Vector256.ConditionalSelect(e ^ a, b, e) + Rol(d, 5);
        e = Rol(e, 30);
        w0 = Rol(w13 ^ w8 ^ w2 ^ w0, 1);
        b += k2 + w0 + Vector256.ConditionalSelect(d ^ e, a, d) + Rol(c, 5);
        d = Rol(d, 30);
        w1 = Rol(w14 ^ w9 ^ w3 ^ w1, 1);
        a += k2 + w1 + Vector256.ConditionalSelect(c ^ d, e, c) + Rol(b, 5);
        c = Rol(c, 30);
        w2 = Rol(w15 ^ w10 ^ w4 ^ w2, 1);
        e += k2 + w2 + Vector256.ConditionalSelect(b ^ c, d, b) + Rol(a, 5);
        b = Rol(b, 30);
        w3 = Rol(w0 ^ w11 ^ w5 ^ w3, 1);
        d += k2 + w3 + Vector256.ConditionalSelect(a ^ b, c, a) + Rol(e, 5);
        a = Rol(a, 30);
        w4 = Rol(w1 ^ w12 ^ w6 ^ w4, 1);
        c += k2 + w4 + Vector256.ConditionalSelect(e ^ a, b, e) + Rol(d, 5);
        e = Rol(e, 30);
        w5 = Rol(w2 ^ w13 ^ w7 ^ w5, 1);
        b += k2 + w5 + Vector256.ConditionalSelect(d ^ e, a, d) + Rol(c, 5);
        d = Rol(d, 30);
        w6 = Rol(w3 ^ w14 ^ w8 ^ w6, 1);
        a += k2 + w6 + Vector256.ConditionalSelect(c ^ d, e, c) + Rol(b, 5);
        c = Rol(c, 30);
        w7 = Rol(w4 ^ w15 ^ w9 ^ w7, 1);
        e += k2 + w7 + Vector256.ConditionalSelect(b ^ c, d, b) + Rol(a, 5);
        b = Rol(b, 30);
        w8 = Rol(w5 ^ w0 ^ w10 ^ w8, 1);
        d += k2 + w8 + Vector256.ConditionalSelect(a ^ b, c, a) + Rol(e, 5);
        a = Rol(a, 30);
        w9 = Rol(w6 ^ w1 ^ w11 ^ w9, 1);
        c += k2 + w9 + Vector256.ConditionalSelect(e ^ a, b, e) + Rol(d, 5);
        e = Rol(e, 30);
        w10 = Rol(w7 ^ w2 ^ w12 ^ w10, 1);
        b += k2 + w10 + Vector256.ConditionalSelect(d ^ e, a, d) + Rol(c, 5);
        d = Rol(d, 30);
        w11 = Rol(w8 ^ w3 ^ w13 ^ w11, 1);
        a += k2 + w11 + Vector256.ConditionalSelect(c ^ d, e, c) + Rol(b, 5);
        c = Rol(c, 30);
        w12 = Rol(w9 ^ w4 ^ w14 ^ w12, 1);
        e += k3 + w12 + (b ^ c ^ d) + Rol(a, 5);
        b = Rol(b, 30);
        w13 = Rol(w10 ^ w5 ^ w15 ^ w13, 1);
        d += k3 + w13 + (a ^ b ^ c) + Rol(e, 5);
        a = Rol(a, 30);
        w14 = Rol(w11 ^ w6 ^ w0 ^ w14, 1);
        c += k3 + w14 + (e ^ a ^ b) + Rol(d, 5);
        e = Rol(e, 30);
        w15 = Rol(w12 ^ w7 ^ w1 ^ w15, 1);
        b += k3 + w15 + (d ^ e ^ a) + Rol(c, 5);
        d = Rol(d, 30);
        w0 = Rol(w13 ^ w8 ^ w2 ^ w0, 1);
        a += k3 + w0 + (c ^ d ^ e) + Rol(b, 5);
        c = Rol(c, 30);
        w1 = Rol(w14 ^ w9 ^ w3 ^ w1, 1);
        e += k3 + w1 + (b ^ c ^ d) + Rol(a, 5);
        b = Rol(b, 30);
        w2 = Rol(w15 ^ w10 ^ w4 ^ w2, 1);
        d += k3 + w2 + (a ^ b ^ c) + Rol(e, 5);
        a = Rol(a, 30);
        w3 = Rol(w0 ^ w11 ^ w5 ^ w3, 1);
        c += k3 + w3 + (e ^ a ^ b) + Rol(d, 5);
        e = Rol(e, 30);
        w4 = Rol(w1 ^ w12 ^ w6 ^ w4, 1);
        b += k3 + w4 + (d ^ e ^ a) + Rol(c, 5);
        d = Rol(d, 30);
        w5 = Rol(w2 ^ w13 ^ w7 ^ w5, 1);
        a += k3 + w5 + (c ^ d ^ e) + Rol(b, 5);
        c = Rol(c, 30);
        w6 = Rol(w3 ^ w14 ^ w8 ^ w6, 1);
        e += k3 + w6 + (b ^ c ^ d) + Rol(a, 5);
        b = Rol(b, 30);
        w7 = Rol(w4 ^ w15 ^ w9 ^ w7, 1);
        d += k3 + w7 + (a ^ b ^ c) + Rol(e, 5);
        a = Rol(a, 30);
        w8 = Rol(w5 ^ w0 ^ w10 ^ w8, 1);
        c += k3 + w8 + (e ^ a ^ b) + Rol(d, 5);
        e = Rol(e, 30);
        w9 = Rol(w6 ^ w1 ^ w11 ^ w9, 1);
        b += k3 + w9 + (d ^ e ^ a) + Rol(c, 5);
        d = Rol(d, 30);
        w10 = Rol(w7 ^ w2 ^ w12 ^ w10, 1);
        a += k3 + w10 + (c ^ d ^ e) + Rol(b, 5);
        c = Rol(c, 30);
        w11 = Rol(w8 ^ w3 ^ w13 ^ w11, 1);
        e += k3 + w11 + (b ^ c ^ d) + Rol(a, 5);
        b = Rol(b, 30);
        w12 = Rol(w9 ^ w4 ^ w14 ^ w12, 1);
        d += k3 + w12 + (a ^ b ^ c) + Rol(e, 5);
        a = Rol(a, 30);
        w13 = Rol(w10 ^ w5 ^ w15 ^ w13, 1);
        c += k3 + w13 + (e ^ a ^ b) + Rol(d, 5);
        e = Rol(e, 30);
        w14 = Rol(w11 ^ w6 ^ w0 ^ w14, 1);
        b += k3 + w14 + (d ^ e ^ a) + Rol(c, 5);
        d = Rol(d, 30);
        w15 = Rol(w12 ^ w7 ^ w1 ^ w15, 1);
        a += k3 + w15 + (c ^ d ^ e) + Rol(b, 5);
        c = Rol(c, 30);

        ref uint dst = ref MemoryMarshal.GetReference(state);
        (a + Vector256.Create(Sha1SingleBlock.H0)).StoreUnsafe(ref dst, 0 * Lanes);
        (b + Vector256.Create(Sha1SingleBlock.H1)).StoreUnsafe(ref dst, 1 * Lanes);
        (c + Vector256.Create(Sha1SingleBlock.H2)).StoreUnsafe(ref dst, 2 * Lanes);
        (d + Vector256.Create(Sha1SingleBlock.H3)).StoreUnsafe(ref dst, 3 * Lanes);
        (e + Vector256.Create(Sha1SingleBlock.H4)).StoreUnsafe(ref dst, 4 * Lanes);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<uint> Load(ref uint words, int t) => Vector256.LoadUnsafe(ref words, (nuint)(t * Lanes));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<uint> Rol(Vector256<uint> x, [System.Diagnostics.CodeAnalysis.ConstantExpected] byte n) =>
        Avx512F.VL.IsSupported
            ? Avx512F.VL.RotateLeft(x, n)
            : Vector256.ShiftLeft(x, n) | Vector256.ShiftRightLogical(x, 32 - n);
}
