using System.Globalization;

namespace FlowRelay.IntegrationTests.Infrastructure;

/// <summary>Reads what nfcapd stored with <c>nfdump -R dir -q -N -o fmt:...</c>.</summary>
public static class Nfdump
{
    public static async Task<List<FlowTuple>> ReadAsync(string directory)
    {
        var run = await ChildProcess.RunAsync(TimeSpan.FromSeconds(30), "nfdump",
            ["-R", directory, "-q", "-N", "-o", "fmt:%sa,%sp,%da,%dp,%pr,%byt,%pkt"]);
        var result = new List<FlowTuple>();
        foreach (var raw in run.StandardOutput.Split('\n'))
        {
            var line = raw.Trim();
            if (line.Length == 0 || line == "No matching flows") continue; // nfdump's word for an empty result
            var f = line.Split(',').Select(s => s.Trim()).ToArray();
            if (f.Length != 7) throw new InvalidDataException($"unexpected nfdump line '{line}'");
            int protocol = int.Parse(f[4], CultureInfo.InvariantCulture);
            // ICMP: nfdump prints "type.code" in the destination port column.
            int Port(string s) => FlowTuple.IsIcmp(protocol) ? 0 : int.Parse(s, CultureInfo.InvariantCulture);
            result.Add(FlowTuple.Create(f[0], Port(f[1]), f[2], Port(f[3]), protocol,
                long.Parse(f[5], CultureInfo.InvariantCulture), long.Parse(f[6], CultureInfo.InvariantCulture)));
        }
        return result;
    }
}
