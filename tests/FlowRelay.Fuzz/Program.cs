using FlowRelay.Fuzz;
using SharpFuzz;

// flowrelay-fuzz TARGET                 libFuzzer mode (run under libfuzzer-dotnet with an instrumented build)
// flowrelay-fuzz TARGET --afl           AFL mode (afl-fuzz -i corpus/... -- dotnet flowrelay-fuzz.dll TARGET --afl)
// flowrelay-fuzz TARGET --replay DIR... runs every file once (seed corpus and crash regressions), no fuzzer needed
// Targets: flow, syslog, syslog-framing, bind, unbound, dnsmasq, zeek-json, cef, dns-reader
if (args.Length == 0 || !FuzzTargets.All.TryGetValue(args[0], out var target))
{
    Console.Error.WriteLine($"usage: flowrelay-fuzz <{string.Join("|", FuzzTargets.All.Keys)}> [--afl | --replay DIR...]");
    return 2;
}
if (args.Length > 1 && args[1] == "--replay")
{
    int files = 0;
    foreach (var dir in args.Skip(2))
    {
        foreach (var file in Directory.EnumerateFiles(dir, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
        {
            try
            {
                target(File.ReadAllBytes(file));
            }
            catch (Exception ex)
            {
                // Name the input: the parsers' contract is a status, so this is a finding.
                Console.Error.WriteLine($"{args[0]}: {file}: {ex}");
                return 1;
            }
            files++;
        }
    }
    Console.WriteLine($"{args[0]}: {files} inputs replayed, no exception");
    return 0;
}
if (args.Length > 1 && args[1] == "--afl")
{
    Fuzzer.OutOfProcess.Run(stream =>
    {
        using var ms = new MemoryStream();
        stream.CopyTo(ms);
        target(ms.ToArray());
    });
    return 0;
}
Fuzzer.LibFuzzer.Run(span => target(span));
return 0;
