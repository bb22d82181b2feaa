using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using FlowRelay.LoadGen;

LoadGenOptions options;
try
{
    if (args.Contains("--help") || args.Contains("-h"))
    {
        Console.WriteLine(LoadGenOptions.Usage);
        return 0;
    }
    options = LoadGenOptions.Parse(args);
}
catch (ArgumentException e)
{
    Console.Error.WriteLine($"flowrelay-loadgen: {e.Message}");
    Console.Error.WriteLine(LoadGenOptions.Usage);
    return 2;
}

using var cancel = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) => { e.Cancel = true; cancel.Cancel(); };

// Every simulated exporter "booted" a day ago, so uptime-relative flow times are positive.
long bootMs = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() - 86_400_000;
int threads = Math.Min(options.Threads, options.Exporters);
var senders = new List<FlowSender>();
for (int t = 0; t < threads; t++)
{
    var indexes = Enumerable.Range(0, options.Exporters).Where(i => i % threads == t).ToList();
    senders.Add(new FlowSender(options, indexes, bootMs));
}

var clock = Stopwatch.StartNew();
var work = senders.Select(s => new Thread(() => PacedLoop.Run(options.Rate / threads, options.Duration, s.SendOne, cancel.Token))
{
    IsBackground = true,
    Name = "loadgen-flow",
    Priority = ThreadPriority.AboveNormal,
}).ToList();
DnsLogSender? dns;
try
{
    dns = options.DnsRate > 0 ? new DnsLogSender(options) : null;
}
catch (ArgumentException e)
{
    Console.Error.WriteLine($"flowrelay-loadgen: {e.Message}");
    return 2;
}
if (dns is not null) work.Add(new Thread(() => PacedLoop.Run(options.DnsRate, options.Duration, dns.SendOne, cancel.Token)) { IsBackground = true, Name = "loadgen-dns" });
foreach (var t in work) t.Start();
foreach (var t in work) t.Join();
double seconds = clock.Elapsed.TotalSeconds;

var total = new SendTotals();
foreach (var s in senders)
{
    total.Add(s.Totals);
    s.Dispose();
}
dns?.Dispose();

var report = new Dictionary<string, object>
{
    ["format"] = options.Format.ToString().ToLowerInvariant(),
    ["target"] = options.Target.ToString(),
    ["exporters"] = options.Exporters,
    ["records_per_packet"] = options.RecordsPerPacket,
    ["template_refresh"] = options.TemplateRefresh,
    ["requested_records_per_s"] = options.Rate,
    ["seconds"] = Math.Round(seconds, 3),
    ["packets"] = total.Packets,
    ["template_packets"] = total.TemplatePackets,
    ["records"] = total.Records,
    ["bytes"] = total.Bytes,
    ["send_errors"] = total.SendErrors,
    ["packets_per_s"] = Math.Round(total.Packets / seconds),
    ["records_per_s"] = Math.Round(total.Records / seconds),
};
if (dns is not null)
{
    report["dns_target"] = options.DnsTarget.ToString();
    report["dns_format"] = options.DnsFormat.ToString().ToLowerInvariant();
    if (options.DnsFormat == DnsFeedFormat.Dnsmasq) report["dns_answer_addresses"] = dns.AnswerAddresses;
    report["dns_lines"] = dns.Lines;
    report["dns_bytes"] = dns.Bytes;
    report["dns_send_errors"] = dns.SendErrors;
    report["dns_lines_per_s"] = Math.Round(dns.Lines / seconds);
}
Console.WriteLine(JsonSerializer.Serialize(report));
return 0;
