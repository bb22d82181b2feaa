using FlowRelay.IntegrationTests.Infrastructure;

namespace FlowRelay.IntegrationTests.Dns;

/// <summary>
/// rsyslogd in the foreground with a config of the test's own (own pid file and work directory,
/// no system sockets): imfile reads the resolvers' log files and omfwd forwards every line to
/// the relay over each transport under test.
/// </summary>
internal static class Rsyslog
{
    /// <summary>One forwarding action: rsyslog omfwd parameters.</summary>
    public sealed record Forward(string Protocol, int Port, string Framing = "traditional", bool Tls = false);

    public static async Task<ChildProcess> StartAsync(NetworkNamespace ns, string dir, IEnumerable<(string File, string Tag)> inputs, IEnumerable<Forward> forwards,
        (string Ca, string Cert, string Key)? tls = null)
    {
        Directory.CreateDirectory(dir);
        var conf = new System.Text.StringBuilder();
        conf.AppendLine($"global(workDirectory=\"{dir}\"");
        if (tls is { } t) conf.AppendLine($"  DefaultNetstreamDriverCAFile=\"{t.Ca}\" DefaultNetstreamDriverCertFile=\"{t.Cert}\" DefaultNetstreamDriverKeyFile=\"{t.Key}\"");
        conf.AppendLine(")");
        // Poll mode: inotify is not worth depending on inside test namespaces.
        conf.AppendLine("module(load=\"imfile\" mode=\"polling\" PollingInterval=\"1\")");
        foreach (var (file, tag) in inputs)
            conf.AppendLine($"input(type=\"imfile\" File=\"{file}\" Tag=\"{tag}\" Facility=\"local0\" Severity=\"info\" freshStartTail=\"off\")");
        foreach (var f in forwards)
        {
            conf.Append($"action(type=\"omfwd\" target=\"127.0.0.1\" port=\"{f.Port}\" protocol=\"{f.Protocol}\" template=\"RSYSLOG_SyslogProtocol23Format\"");
            if (f.Protocol == "tcp") conf.Append($" TCP_Framing=\"{f.Framing}\"");
            if (f.Tls) conf.Append(" StreamDriver=\"gtls\" StreamDriverMode=\"1\" StreamDriverAuthMode=\"x509/certvalid\"");
            conf.Append(" action.resumeRetryCount=\"-1\" queue.type=\"LinkedList\" queue.size=\"10000\"");
            conf.AppendLine(")");
        }
        string confPath = Path.Combine(dir, "rsyslog.conf");
        await File.WriteAllTextAsync(confPath, conf.ToString());
        var check = await DnsServers.RunAsync(ns, TimeSpan.FromSeconds(20), "rsyslogd", "-N1", "-f", confPath);
        if (check.ExitCode != 0) throw new InvalidOperationException($"rsyslog config rejected:\n{conf}\n{check.StandardOutput}\n{check.StandardError}");
        return ns.Start("rsyslogd", "-n", "-f", confPath, "-i", Path.Combine(dir, "rsyslogd.pid"));
    }
}
