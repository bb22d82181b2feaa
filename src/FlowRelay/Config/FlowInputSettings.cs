using System.Net;
using Microsoft.Extensions.Configuration;

namespace FlowRelay.Config;

/// <summary>The <c>inputs.flow</c> section: UDP listeners for NetFlow and IPFIX (any version on any port).</summary>
public sealed class FlowInputSettings
{
    internal static readonly string[] DefaultListen = ["0.0.0.0:2055", "0.0.0.0:4739"];

    /// <summary>Turns the flow listeners off.</summary>
    [ConfigurationKeyName("enabled")]
    public bool Enabled { get; set; } = true;

    /// <summary>"address:port" to listen on; IPv6 as "[::]:2055". Port 0 picks a free port. Empty means the defaults.</summary>
    [ConfigurationKeyName("listen")]
    public List<string> Listen { get; set; } = [];

    /// <summary>SO_RCVBUF of each socket: the burst the kernel can hold while the relay is busy.</summary>
    [ConfigurationKeyName("receive_buffer_size")]
    public ByteSize ReceiveBufferSize { get; set; } = ByteSize.FromMiB(32);

    /// <summary>Datagrams queued between the sockets and the decoder; beyond this they are dropped and counted.</summary>
    [ConfigurationKeyName("queue_capacity")]
    public int QueueCapacity { get; set; } = 8192;

    /// <summary>Exporter addresses or CIDR ranges accepted; datagrams from others are dropped and counted. Empty: any.</summary>
    [ConfigurationKeyName("allowed_exporters")]
    public List<string> AllowedExporters { get; set; } = [];

    /// <summary>Most datagrams per second accepted from one source address (per listener); beyond it they are dropped and counted. 0: no limit.</summary>
    [ConfigurationKeyName("rate_limit")]
    public int RateLimit { get; set; }

    /// <summary>Datagrams a source may send at once above its rate_limit after a quiet spell; 0 means one second's worth.</summary>
    [ConfigurationKeyName("rate_limit_burst")]
    public int RateLimitBurst { get; set; }

    /// <summary>Parses a listen entry; false when it is not "ip:port".</summary>
    public static bool TryParseEndpoint(string? text, out IPEndPoint endpoint)
    {
        endpoint = null!;
        if (string.IsNullOrWhiteSpace(text)) return false;
        var t = text.Trim();
        // IPEndPoint.TryParse accepts a bare address (port 0) and bare IPv6 without brackets; require an explicit port.
        int colon = t.LastIndexOf(':');
        if (colon < 0 || (t.Count(c => c == ':') > 1 && !t.StartsWith('['))) return false;
        if (!IPEndPoint.TryParse(t, out var ep)) return false;
        endpoint = ep;
        return true;
    }

    /// <summary>The listen entries as endpoints (call after validation).</summary>
    public IReadOnlyList<IPEndPoint> ListenEndpoints() =>
        Listen.Select(l => TryParseEndpoint(l, out var ep) ? ep : throw new InvalidOperationException($"invalid listen address '{l}'")).ToList();

    internal void Validate(string path, ValidationErrors errors)
    {
        var seen = new HashSet<IPEndPoint>();
        for (int i = 0; i < Listen.Count; i++)
        {
            if (!TryParseEndpoint(Listen[i], out var ep))
                errors.Add($"{path}.listen[{i}]", $"must be an IP address and port such as 0.0.0.0:2055 or [::]:2055 (got '{Listen[i]}')");
            else if (ep.Port != 0 && !seen.Add(ep))
                errors.Add($"{path}.listen[{i}]", $"'{Listen[i]}' is listed more than once");
        }
        errors.Range($"{path}.receive_buffer_size", ReceiveBufferSize, ByteSize.FromKiB(4), ByteSize.FromGiB(1));
        errors.Range($"{path}.queue_capacity", QueueCapacity, 16, 1_048_576);
        for (int i = 0; i < AllowedExporters.Count; i++)
        {
            if (!Ingest.Hardening.ExporterAllowlist.TryParse(AllowedExporters[i], out _))
                errors.Add($"{path}.allowed_exporters[{i}]", $"must be an address or CIDR range such as 192.0.2.0/24 or 2001:db8::/32, without host bits (got '{AllowedExporters[i]}')");
        }
        errors.Range($"{path}.rate_limit", RateLimit, 0, 10_000_000);
        errors.Range($"{path}.rate_limit_burst", RateLimitBurst, 0, 10_000_000);
    }
}
