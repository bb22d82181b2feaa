using FlowRelay.Config;

namespace FlowRelay.Ingest.Hardening;

/// <summary>Builds a listener's allowlist and rate limiter from <c>inputs.flow</c> (null when not configured).</summary>
public static class ReceiverHardening
{
    /// <summary>The allowlist, or null when allowed_exporters is empty (any source accepted).</summary>
    public static ExporterAllowlist? Allowlist(FlowInputSettings flow)
    {
        if (flow.AllowedExporters.Count == 0) return null;
        return ExporterAllowlist.TryCreate(flow.AllowedExporters, out var list, out var bad)
            ? list : throw new InvalidOperationException($"invalid inputs.flow.allowed_exporters entry '{bad}'");
    }

    /// <summary>A new limiter (one per listener: each receive loop owns its own), or null when rate_limit is 0.</summary>
    public static SourceRateLimiter? RateLimiter(FlowInputSettings flow) =>
        flow.RateLimit <= 0 ? null : new SourceRateLimiter(flow.RateLimit, flow.RateLimitBurst > 0 ? flow.RateLimitBurst : flow.RateLimit);
}
