using Microsoft.Extensions.Configuration;

namespace FlowRelay.Config;

/// <summary>
/// The <c>inputs.syslog</c> section: DNS query logs (BIND, dnsmasq, Unbound, Zeek) and CEF events
/// arriving over syslog. Off until listeners are configured.
/// </summary>
public sealed class SyslogInputSettings
{
    /// <summary>Turns the syslog listeners off without removing them.</summary>
    [ConfigurationKeyName("enabled")]
    public bool Enabled { get; set; } = true;

    /// <summary>The sockets to listen on; none by default.</summary>
    [ConfigurationKeyName("listeners")]
    public List<SyslogListenerSettings> Listeners { get; set; } = [];

    /// <summary>Longest message kept; longer ones are cut to this and counted (RFC 5425 §4.3.1 asks receivers to take at least 2 KiB, RFC 5426 allows 64 KiB datagrams).</summary>
    [ConfigurationKeyName("max_message_size")]
    public ByteSize MaxMessageSize { get; set; } = ByteSize.FromKiB(64);

    /// <summary>TCP/TLS connections open at once per listener; more are closed on accept and counted.</summary>
    [ConfigurationKeyName("max_connections")]
    public int MaxConnections { get; set; } = 1000;

    /// <summary>A TCP/TLS connection without data (or a TLS handshake not done) this long is closed.</summary>
    [ConfigurationKeyName("idle_timeout")]
    public Duration IdleTimeout { get; set; } = Duration.FromMinutes(5);

    /// <summary>SO_RCVBUF of each UDP socket.</summary>
    [ConfigurationKeyName("receive_buffer_size")]
    public ByteSize ReceiveBufferSize { get; set; } = ByteSize.FromMiB(4);

    /// <summary>Messages queued between the log inputs (syslog and files) and the DNS pipeline; listeners drop and count beyond this, file tailers wait.</summary>
    [ConfigurationKeyName("queue_capacity")]
    public int QueueCapacity { get; set; } = 8192;

    /// <summary>UTC offset (e.g. "+01:00", "-05:30") assumed for timestamps without a zone (RFC 3164); "00:00" reads them as UTC.</summary>
    [ConfigurationKeyName("timezone_offset")]
    public string TimezoneOffset { get; set; } = "+00:00";

    /// <summary>Parses <see cref="TimezoneOffset"/> into minutes; false when malformed.</summary>
    public static bool TryParseOffset(string? text, out int minutes)
    {
        minutes = 0;
        var t = text?.Trim() ?? "";
        if (t.Length == 0) return true;
        int sign = 1;
        if (t[0] is '+' or '-')
        {
            sign = t[0] == '-' ? -1 : 1;
            t = t[1..];
        }
        if (!TimeSpan.TryParseExact(t, @"hh\:mm", System.Globalization.CultureInfo.InvariantCulture, out var span) || span > TimeSpan.FromHours(14)) return false;
        minutes = sign * (int)span.TotalMinutes;
        return true;
    }

    internal void Validate(string path, ValidationErrors errors)
    {
        var seen = new HashSet<string>();
        for (int i = 0; i < Listeners.Count; i++)
        {
            Listeners[i].Validate($"{path}.listeners[{i}]", errors);
            string proto = Listeners[i].ProtocolName == "udp" ? "udp" : "tcp";
            if (FlowInputSettings.TryParseEndpoint(Listeners[i].Listen, out var ep) && ep.Port != 0 && !seen.Add(proto + ep))
                errors.Add($"{path}.listeners[{i}].listen", $"'{Listeners[i].Listen}' is listed more than once for {proto}");
        }
        errors.Range($"{path}.max_message_size", MaxMessageSize, new ByteSize(480), ByteSize.FromMiB(16));
        errors.Range($"{path}.max_connections", MaxConnections, 1, 100_000);
        errors.Range($"{path}.idle_timeout", IdleTimeout, Duration.FromSeconds(1), Duration.FromHours(24));
        errors.Range($"{path}.receive_buffer_size", ReceiveBufferSize, ByteSize.FromKiB(4), ByteSize.FromGiB(1));
        errors.Range($"{path}.queue_capacity", QueueCapacity, 16, 1_048_576);
        if (!TryParseOffset(TimezoneOffset, out _))
            errors.Add($"{path}.timezone_offset", $"must be an offset such as +00:00, +01:00 or -05:30 (got '{TimezoneOffset}')");
    }
}
