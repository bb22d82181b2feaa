using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics.X86;

namespace FlowRelay.Engine.Rules.Correlation;

/// <summary>Software prefetch of an object's first cache lines (a no-op where the CPU has no prefetch instruction).</summary>
internal static class Prefetching
{
    /// <summary>
    /// Starts loading the first two cache lines of <paramref name="o"/> (header and fields) without
    /// waiting. A prefetch never faults: if the GC moves the object meanwhile, only the load is wasted.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static unsafe void Object(object o)
    {
        if (!Sse.IsSupported) return;
        byte* p = (byte*)Unsafe.AsPointer(ref Unsafe.As<RawData>(o).Data);
        Sse.Prefetch0(p);
        Sse.Prefetch0(p + 64);
    }

    // The layout every object shares: its fields start right after the method-table pointer.
    private sealed class RawData
    {
        public byte Data;
    }
}
