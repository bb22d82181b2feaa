using FlowRelay.Engine.Rules.Fields;

namespace FlowRelay.Engine.Rules.Detection;

/// <summary>How a numeric field is compared with a rule value.</summary>
internal enum NumberOp { Eq, Lt, Lte, Gt, Gte }

/// <summary>A numeric field against numbers with one comparison (equality, or <c>lt/lte/gt/gte</c>).</summary>
internal sealed class NumberMatcher<T>(NumberGetter<T> getter, NumberOp op, long[] values, bool all) : Matcher<T> where T : struct
{
    public override bool Match(in T e)
    {
        if (!getter(in e, out long v)) return false;
        foreach (long x in values)
        {
            bool hit = op switch
            {
                NumberOp.Eq => v == x,
                NumberOp.Lt => v < x,
                NumberOp.Lte => v <= x,
                NumberOp.Gt => v > x,
                _ => v >= x,
            };
            if (hit != all) return !all;
        }
        return all;
    }
}
