using FlowRelay.Engine.Rules.Fields;

namespace FlowRelay.Engine.Rules.Detection;

/// <summary>An address field against ranges (a plain address is a /32 or /128 range).</summary>
internal sealed class IpMatcher<T>(IpGetter<T> getter, CidrRange[] ranges, bool all) : Matcher<T> where T : struct
{
    public override bool Match(in T e)
    {
        if (!getter(in e, out var a)) return false;
        foreach (var r in ranges)
        {
            if (r.Contains(a) != all) return !all;
        }
        return all;
    }
}
