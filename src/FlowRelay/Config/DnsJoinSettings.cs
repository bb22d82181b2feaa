using Microsoft.Extensions.Configuration;

namespace FlowRelay.Config;

/// <summary>The <c>enrich.dns_join</c> section: naming flow destinations from earlier DNS answers.</summary>
public sealed class DnsJoinSettings
{
    /// <summary>Turns the join off (no destination.domain, no flowrelay.destination.resolved).</summary>
    [ConfigurationKeyName("enabled")]
    public bool Enabled { get; set; } = true;

    /// <summary>Most (client, address) answers remembered, and as many addresses in the any-client table; oldest evicted (counted).</summary>
    [ConfigurationKeyName("max_answers")]
    public int MaxAnswers { get; set; } = 262144;

    /// <summary>Answers count at least this long: clients keep using addresses past short TTLs.</summary>
    [ConfigurationKeyName("min_ttl")]
    public Duration MinTtl { get; set; } = Duration.FromMinutes(5);

    /// <summary>Answers count at most this long, whatever their TTL.</summary>
    [ConfigurationKeyName("max_ttl")]
    public Duration MaxTtl { get; set; } = Duration.FromHours(24);

    internal void Validate(string path, ValidationErrors errors)
    {
        errors.Range($"{path}.max_answers", MaxAnswers, 1024, 16_777_216);
        errors.Range($"{path}.min_ttl", MinTtl, Duration.FromSeconds(0), Duration.FromHours(24));
        errors.Range($"{path}.max_ttl", MaxTtl, Duration.FromSeconds(1), Duration.FromHours(24 * 7));
        if (MaxTtl < MinTtl) errors.Add($"{path}.max_ttl", $"must not be less than min_ttl ({MinTtl}) (got {MaxTtl})");
    }
}
