namespace FlowRelay.IntegrationTests.Infrastructure;

/// <summary>Replays a pcap through softflowd (<c>-r</c>) as NetFlow v5, v9 or IPFIX inside a namespace.</summary>
public static class Softflowd
{
    /// <summary>
    /// Runs <c>softflowd -d -r pcap -v version -n target</c> to completion. With -r it reads the
    /// whole file, expires every flow at end of file, prints statistics and exits.
    /// softflowd 1.1.0 with -r tests an uninitialised poll result before every read and may
    /// block in accept() on its control socket (which cannot be switched off); a harmless
    /// <c>softflowctl statistics</c> unblocks it without changing what it exports.
    /// </summary>
    public static async Task RunAsync(NetworkNamespace ns, string pcap, int version, string target, string workDir)
    {
        // A unix socket path must fit in sun_path (108 bytes, softflowd checks): keep it short.
        string ctl = Path.Combine(Path.GetTempPath(), $"sfd-{Guid.NewGuid().ToString("N")[..12]}.ctl");
        string pid = Path.Combine(workDir, "softflowd.pid");
        var args = new List<string> { "-d", "-r", pcap, "-v", version.ToString(System.Globalization.CultureInfo.InvariantCulture), "-n", target, "-c", ctl, "-p", pid };
        if (version != 5) args.Add("-6"); // IPv6 flows: v9 and IPFIX carry them, v5 cannot
        var softflowd = ns.Start("softflowd", [.. args]);
        try
        {
            await Wait.UntilAsync(async () =>
            {
                if (softflowd.HasExited) return true;
                if (File.Exists(ctl))
                {
                    await using var poke = ChildProcess.Start("softflowctl", ["-c", ctl, "statistics"]);
                    await poke.WaitForExitAsync(TimeSpan.FromSeconds(2));
                }
                return softflowd.HasExited;
            }, TimeSpan.FromSeconds(30), "softflowd to finish the capture", () => softflowd.StandardOutput + softflowd.StandardError);
            // HasExited can be true before the last lines of its output have been read (they arrive
            // as events); waiting for the exit also waits for the output to reach its end.
            await softflowd.WaitForExitAsync(TimeSpan.FromSeconds(10));
            string output = softflowd.StandardOutput + softflowd.StandardError;
            if (softflowd.ExitCode != 0 || !output.Contains("Shutting down after pcap EOF", StringComparison.Ordinal))
                throw new InvalidOperationException($"softflowd failed ({softflowd.ExitCode}):\n{output}");
        }
        finally
        {
            await softflowd.DisposeAsync();
            File.Delete(ctl);
        }
    }
}
