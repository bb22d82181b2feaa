namespace FlowRelay.Engine.Rules.Correlation;

/// <summary>Sigma correlation types FlowRelay evaluates.</summary>
public enum CorrelationType
{
    /// <summary>Number of matching events per group in the window.</summary>
    EventCount,

    /// <summary>Number of distinct values of a field per group in the window.</summary>
    ValueCount,

    /// <summary>Sum of a numeric field per group in the window.</summary>
    ValueSum,

    /// <summary>Mean of a numeric field per group in the window.</summary>
    ValueAvg,

    /// <summary>All (or the condition's number of) the referenced rules matched within the window, in any order.</summary>
    Temporal,

    /// <summary>All the referenced rules matched within the window, in the order listed.</summary>
    TemporalOrdered,
}
