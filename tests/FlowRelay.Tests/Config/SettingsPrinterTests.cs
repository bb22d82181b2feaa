using System.Collections;
using FlowRelay.Config;
using Snapshooter.Xunit;
using Xunit;

namespace FlowRelay.Tests.Config;

public class SettingsPrinterTests
{
    [Fact]
    public void Effective_defaults_print_as_yaml()
    {
        var r = ConfigLoader.Load(null, new Hashtable());
        Snapshot.Match(SettingsPrinter.ToYaml(r.Settings!));
    }

    [Fact]
    public void Printed_settings_load_back_to_the_same_settings()
    {
        var r = ConfigLoader.LoadYaml("exporters:\n  - address: 192.0.2.1\n    name: edge\n    sampling_rate: 10\nstats_interval: 90s\n");
        var printed = SettingsPrinter.ToYaml(r.Settings!);
        var again = ConfigLoader.LoadYaml(printed);
        Assert.True(again.IsValid, string.Join("\n", again.Errors));
        Assert.Equal(printed, SettingsPrinter.ToYaml(again.Settings!));
    }
}
