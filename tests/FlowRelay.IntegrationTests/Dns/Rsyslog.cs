using FlowRelay.IntegrationTests.Infrastructure;

namespace FlowRelay.IntegrationTests.Dns;

/// <summary>
/// rsyslogd in the foreground with a config of the test's own (own pid file and work directory,
/// no system sockets): imfile reads the resolvers' log files and omfwd forwards every line to
/// the relay over each transport under test.
/// </summary>
internal static class Rsyslog
{
    /// <summary>The tree scripts/fetch-rsyslog.sh extracts rsyslog into when <c>FRTEST_RSYSLOG_ROOT</c> does not name one.</summary>
    public const string DefaultRoot = "/opt/flowrelay-test/rsyslog";

    /// <summary>How to run rsyslogd: the binary, its module directory (for <c>-M</c>, null for a system install) and LD_LIBRARY_PATH.</summary>
    public sealed record Installation(string Binary, string? ModuleDirectory, string? LibraryPath)
    {
        /// <summary>The program and leading arguments that run this rsyslogd with its modules and libraries.</summary>
        public string[] Command(params string[] arguments)
        {
            string[] modules = ModuleDirectory is null ? [] : ["-M", ModuleDirectory];
            return LibraryPath is null ? [Binary, .. modules, .. arguments] : ["env", $"LD_LIBRARY_PATH={LibraryPath}", Binary, .. modules, .. arguments];
        }
    }

    /// <summary>
    /// Finds rsyslogd: the tree named by <c>FRTEST_RSYSLOG_ROOT</c>, else <see cref="DefaultRoot"/>
    /// (both as scripts/fetch-rsyslog.sh leaves them: Debian's rsyslog and rsyslog-gnutls packages
    /// extracted, not installed, since they conflict with syslog-ng), else a system-wide
    /// /usr/sbin/rsyslogd. Throws, saying how to get it, when there is none. The variable is not
    /// named FLOWRELAY_*: the relay started by the tests inherits the environment and would take
    /// it for an (unknown) setting.
    /// </summary>
    public static Installation Locate()
    {
        string? named = Environment.GetEnvironmentVariable("FRTEST_RSYSLOG_ROOT") is { Length: > 0 } env ? env : null;
        string root = named ?? DefaultRoot;
        string binary = Path.Combine(root, "usr/sbin/rsyslogd");
        if (File.Exists(binary))
        {
            string? modules = Directory.Exists(Path.Combine(root, "usr/lib"))
                ? Directory.GetDirectories(Path.Combine(root, "usr/lib"), "*").Select(d => Path.Combine(d, "rsyslog"))
                    .FirstOrDefault(d => File.Exists(Path.Combine(d, "imfile.so")))
                : null;
            if (modules is null) throw new InvalidOperationException($"{binary} exists but no usr/lib/*/rsyslog/imfile.so beside it: rerun scripts/fetch-rsyslog.sh");
            var libs = new[] { Path.Combine(root, "usr/lib"), Path.Combine(root, "lib") }.Where(Directory.Exists)
                .SelectMany(d => Directory.GetDirectories(d, "*-linux-gnu*")).Order(StringComparer.Ordinal).ToList();
            return new Installation(binary, modules, libs.Count == 0 ? null : string.Join(':', libs));
        }
        if (named is null && File.Exists("/usr/sbin/rsyslogd")) return new Installation("/usr/sbin/rsyslogd", null, null);
        throw new InvalidOperationException(
            $"rsyslogd not found: not in {binary}{(named is null ? " nor /usr/sbin/rsyslogd" : " (FRTEST_RSYSLOG_ROOT)")}. " +
            "scripts/fetch-rsyslog.sh (run by scripts/test.sh, as root, with the Debian mirror reachable or its .deb cache filled) extracts it there; " +
            "Debian's rsyslog package itself conflicts with syslog-ng-core.");
    }

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
        var rsyslogd = Locate();
        string[] check = rsyslogd.Command("-N1", "-f", confPath);
        var checkRun = await DnsServers.RunAsync(ns, TimeSpan.FromSeconds(20), check[0], check[1..]);
        if (checkRun.ExitCode != 0) throw new InvalidOperationException($"rsyslog config rejected:\n{conf}\n{checkRun.StandardOutput}\n{checkRun.StandardError}");
        string[] run = rsyslogd.Command("-n", "-f", confPath, "-i", Path.Combine(dir, "rsyslogd.pid"));
        return ns.Start(run[0], run[1..]);
    }
}
