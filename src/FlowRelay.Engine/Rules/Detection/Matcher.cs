namespace FlowRelay.Engine.Rules.Detection;

/// <summary>
/// A compiled test of one event: a field condition, a selection, or a whole condition
/// expression. Built once per rule; <see cref="Match"/> allocates nothing.
/// </summary>
public abstract class Matcher<T> where T : struct
{
    /// <summary>True when the event satisfies the test.</summary>
    public abstract bool Match(in T e);
}
