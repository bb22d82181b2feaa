namespace FlowRelay.Protocols.Syslog;

/// <summary>How zone-less and year-less timestamps are read. Immutable; share one per input.</summary>
public sealed class SyslogParserOptions
{
    /// <summary>The defaults: zone-less times read as UTC, 31 days of future tolerance.</summary>
    public static readonly SyslogParserOptions Default = new();

    /// <summary>
    /// The UTC offset in minutes a time without a zone (RFC 3164 has none) is read in, e.g. the
    /// sending device's configured zone. 0 = UTC.
    /// </summary>
    public int AssumedOffsetMinutes { get; init; }

    /// <summary>
    /// How far past the reference time a year-less RFC 3164 timestamp may lie before the previous
    /// year is chosen instead (clock skew between sender and relay).
    /// </summary>
    public long FutureToleranceNs { get; init; } = 31L * 86_400 * 1_000_000_000;
}
