using System.Runtime.CompilerServices;
using FlowRelay.Protocols.Flows;

namespace FlowRelay.Engine.Enrich;

/// <summary>
/// Cheap hashes for the enrichers' bounded tables (<see cref="BoundedCache{TKey,TValue}"/>): a
/// 64×64→128-bit multiply folded to 64 bits (the "mum" step of wyhash) with per-process random
/// keys, so, as with <see cref="HashCode"/>, where an address lands cannot be worked out from
/// outside. A few nanoseconds where <see cref="HashCode.Combine{T1,T2,T3}"/> over an address's
/// parts costs several times that. Not for dictionaries that must resist hash flooding: these
/// tables are bounded and evict, so a collision costs an eviction, never a longer chain.
/// </summary>
internal static class FastHash
{
    private static readonly ulong K0 = (ulong)Random.Shared.NextInt64() | 1;
    private static readonly ulong K1 = (ulong)Random.Shared.NextInt64() | 1;
    private static readonly ulong K2 = (ulong)Random.Shared.NextInt64() | 1;

    /// <summary>Mixes two words into one.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ulong Mix(ulong a, ulong b)
    {
        ulong hi = Math.BigMul(a ^ K0, b ^ K1, out ulong lo);
        return hi ^ lo;
    }

    /// <summary>A 64-bit hash of an address (family included).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ulong Of(in IpAddr address) => Mix(address.Lo, address.Hi ^ address.Family);

    /// <summary>A 64-bit hash of an address and a port.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ulong Of(in IpAddr address, ushort port) => Mix(address.Lo, address.Hi ^ address.Family ^ (ulong)port << 8);

    /// <summary>Folds a 64-bit hash to the 32 bits of <see cref="object.GetHashCode"/>, after one more mixing round.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int Fold(ulong h)
    {
        ulong x = Mix(h, K2);
        return (int)(x ^ x >> 32);
    }
}
