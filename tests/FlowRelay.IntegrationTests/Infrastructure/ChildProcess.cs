using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text;

namespace FlowRelay.IntegrationTests.Infrastructure;

/// <summary>
/// An external program started by a test: output captured, every wait bounded, and killed with
/// its whole process tree when disposed, so a failing test never leaves it behind.
/// </summary>
public sealed class ChildProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _stdout = new();
    private readonly StringBuilder _stderr = new();

    private ChildProcess(Process process) => _process = process;

    public int Id => _process.Id;

    public string CommandLine { get; private init; } = "";

    public bool HasExited => _process.HasExited;

    public int ExitCode => _process.ExitCode;

    public string StandardOutput { get { lock (_stdout) return _stdout.ToString(); } }

    public string StandardError { get { lock (_stderr) return _stderr.ToString(); } }

    public static ChildProcess Start(string fileName, IEnumerable<string> arguments, byte[]? stdin = null, string? workingDirectory = null)
    {
        var info = new ProcessStartInfo(fileName)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? Environment.CurrentDirectory,
        };
        foreach (var a in arguments) info.ArgumentList.Add(a);
        var process = new Process { StartInfo = info, EnableRaisingEvents = true };
        var child = new ChildProcess(process) { CommandLine = fileName + " " + string.Join(' ', info.ArgumentList) };
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (child._stdout) child._stdout.AppendLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (child._stderr) child._stderr.AppendLine(e.Data); };
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        // stdin is closed right away (after the payload, if any) so no program waits on it.
        if (stdin is not null) process.StandardInput.BaseStream.Write(stdin);
        process.StandardInput.Close();
        return child;
    }

    /// <summary>Runs a program to completion; kills it and throws when it outlives <paramref name="timeout"/>.</summary>
    public static async Task<ChildProcess> RunAsync(TimeSpan timeout, string fileName, IEnumerable<string> arguments, byte[]? stdin = null, bool check = true)
    {
        var child = Start(fileName, arguments, stdin);
        if (!await child.WaitForExitAsync(timeout))
        {
            await child.DisposeAsync();
            throw new TimeoutException($"'{child.CommandLine}' did not finish within {timeout.TotalSeconds}s\n{child.StandardError}");
        }
        if (check && child.ExitCode != 0)
            throw new InvalidOperationException($"'{child.CommandLine}' exited with {child.ExitCode}\nstdout:\n{child.StandardOutput}\nstderr:\n{child.StandardError}");
        return child;
    }

    public async Task<bool> WaitForExitAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(cts.Token);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    /// <summary>Sends a POSIX signal (SIGTERM lets the relay and nfcapd flush and save state).</summary>
    public void Signal(int signal)
    {
        if (!_process.HasExited) _ = kill(_process.Id, signal);
    }

    /// <summary>Sends <paramref name="signal"/> and waits (bounded) for the exit; kills on timeout.</summary>
    public async Task<bool> StopAsync(int signal, TimeSpan timeout)
    {
        Signal(signal);
        if (await WaitForExitAsync(timeout)) return true;
        await DisposeAsync();
        return false;
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                await WaitForExitAsync(TimeSpan.FromSeconds(10));
            }
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }
        _process.Dispose();
    }

    public const int SIGINT = 2;
    public const int SIGTERM = 15;

    [DllImport("libc", SetLastError = true)]
    private static extern int kill(int pid, int sig);
}
