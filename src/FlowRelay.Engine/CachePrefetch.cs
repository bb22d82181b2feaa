using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics.X86;

namespace FlowRelay.Engine;

/// <summary>
/// Software prefetch: starts loading memory into the cache without waiting, for tables far larger
/// than the cache whose next entries are known a few records ahead (the pairing table, the
/// correlations' groups). A no-op where the CPU has no prefetch instruction. A prefetch never
/// faults, so an address the GC has moved since costs only the wasted load.
/// </summary>
internal static class CachePrefetch
{
    /// <summary>The cache line holding <paramref name="location"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static unsafe void Line<T>(ref T location)
    {
        if (Sse.IsSupported) Sse.Prefetch0(Unsafe.AsPointer(ref location));
    }

    /// <summary><paramref name="bytes"/> from <paramref name="location"/> on, a line at a time.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static unsafe void Lines<T>(ref T location, int bytes)
    {
        if (!Sse.IsSupported) return;
        byte* p = (byte*)Unsafe.AsPointer(ref location);
        for (int offset = 0; offset < bytes; offset += 64) Sse.Prefetch0(p + offset);
    }

    /// <summary>The first two cache lines of <paramref name="o"/> (header and fields).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Object(object o) => Lines(ref Unsafe.As<RawData>(o).Data, 128);

    // The layout every object shares: its fields start right after the method-table pointer.
    private sealed class RawData
    {
        public byte Data;
    }
}
