namespace FlowRelay.Engine.Rules.Detection;

/// <summary>All of the parts match (a selection map, <c>and</c>, <c>all of</c>).</summary>
internal sealed class AndMatcher<T>(Matcher<T>[] parts) : Matcher<T> where T : struct
{
    public override bool Match(in T e)
    {
        foreach (var p in parts)
        {
            if (!p.Match(in e)) return false;
        }
        return true;
    }
}

/// <summary>Any of the parts matches (a list of maps, <c>or</c>, <c>1 of</c>).</summary>
internal sealed class OrMatcher<T>(Matcher<T>[] parts) : Matcher<T> where T : struct
{
    public override bool Match(in T e)
    {
        foreach (var p in parts)
        {
            if (p.Match(in e)) return true;
        }
        return false;
    }
}

/// <summary>At least <c>n</c> of the parts match (<c>n of sel*</c>).</summary>
internal sealed class AtLeastMatcher<T>(Matcher<T>[] parts, int n) : Matcher<T> where T : struct
{
    public override bool Match(in T e)
    {
        int hits = 0;
        foreach (var p in parts)
        {
            if (p.Match(in e) && ++hits >= n) return true;
        }
        return false;
    }
}

/// <summary>The part does not match (<c>not</c>, <c>neq</c>, a filter's exclusion).</summary>
internal sealed class NotMatcher<T>(Matcher<T> inner) : Matcher<T> where T : struct
{
    public override bool Match(in T e) => !inner.Match(in e);
}

/// <summary>Always true/false (an empty selection; <c>exists</c> on nothing).</summary>
internal sealed class ConstMatcher<T>(bool value) : Matcher<T> where T : struct
{
    public override bool Match(in T e) => value;
}
