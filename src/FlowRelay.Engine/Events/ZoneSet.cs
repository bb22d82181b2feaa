using System.Numerics;

namespace FlowRelay.Engine.Events;

/// <summary>
/// The named networks (zones) an address belongs to: a bit mask over a fixed, configured list of
/// names. A value type holding a reference to the shared names, so events carry it without allocating.
/// </summary>
public readonly struct ZoneSet
{
    /// <summary>One bit per network, by index into <see cref="Names"/>.</summary>
    public readonly ulong Mask;

    /// <summary>The configured network names (shared by every event).</summary>
    public readonly ZoneNames? Names;

    public ZoneSet(ulong mask, ZoneNames names)
    {
        Mask = mask;
        Names = names;
    }

    /// <summary>True when the address is in no named network (or none was computed).</summary>
    public bool IsEmpty => Mask == 0 || Names is null;

    /// <summary>Number of zones.</summary>
    public int Count => BitOperations.PopCount(Mask);

    /// <summary>True when the address is in the network called <paramref name="name"/> (ordinal, case-insensitive).</summary>
    public bool Contains(string name)
    {
        if (Names is null) return false;
        int i = Names.IndexOf(name);
        return i >= 0 && (Mask & (1UL << i)) != 0;
    }

    /// <summary>The zone names in configuration order (allocates; for tests and tools).</summary>
    public string[] ToArray()
    {
        if (IsEmpty) return [];
        var result = new string[Count];
        int n = 0;
        for (int i = 0; i < Names!.Count; i++)
        {
            if ((Mask & (1UL << i)) != 0) result[n++] = Names[i];
        }
        return result;
    }
}
