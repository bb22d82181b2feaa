using FlowRelay.Engine.Enrich;
using FlowRelay.Engine.Events;

namespace FlowRelay.Engine.Tests.Enrich;

public class AssetInventoryTests
{
    private static AssetInventory Load(string ext, string text, out List<string> errors)
    {
        string path = Path.Combine(Path.GetTempPath(), $"assets-{Guid.NewGuid():N}{ext}");
        File.WriteAllText(path, text);
        errors = [];
        try
        {
            return AssetInventory.Load(path, errors)!;
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Csv_with_columns_in_any_order_and_most_specific_wins()
    {
        var inv = Load(".csv", """
            # inventory export
            name,address,criticality,owner
            office-lan,10.1.0.0/16,low,it
            "db-1",10.1.5.20,Critical,data-team
            web-6,2001:db8::10,high,
            """, out var errors);
        Assert.Empty(errors);
        Assert.Equal(3, inv.Count);
        var db = inv.Find(Flows.Ip("10.1.5.20"))!;
        Assert.Equal(("db-1", "data-team", "critical"), (db.Name, db.Owner, db.Criticality));
        Assert.Equal("office-lan", inv.Find(Flows.Ip("10.1.5.21"))!.Name);
        Assert.Null(inv.Find(Flows.Ip("2001:db8::10"))!.Owner);
        Assert.Null(inv.Find(Flows.Ip("10.2.0.1")));
    }

    [Fact]
    public void Yaml_list_of_assets()
    {
        var inv = Load(".yaml", """
            - address: 192.168.10.0/24
              name: printers
              owner: facilities
            - address: 192.168.10.7
              name: ceo-laptop
              criticality: high
            """, out var errors);
        Assert.Empty(errors);
        Assert.Equal("ceo-laptop", inv.Find(Flows.Ip("192.168.10.7"))!.Name);
        Assert.Equal("facilities", inv.Find(Flows.Ip("192.168.10.8"))!.Owner);
    }

    [Fact]
    public void Bad_entries_are_reported_with_their_line()
    {
        Load(".csv", "address,name\n10.0.0.0/33,x\n10.0.0.1,\n", out var csvErrors);
        Assert.Equal(2, csvErrors.Count);
        Assert.Contains("line 2: address '10.0.0.0/33' is not an IP address or CIDR range", csvErrors[0]);
        Assert.Contains("line 3: name is missing", csvErrors[1]);

        Load(".yaml", "- address: 10.0.0.1\n  name: a\n  colour: red\n", out var yamlErrors);
        Assert.Contains("line 3: unknown key 'colour'", Assert.Single(yamlErrors));

        Load(".csv", "ip,host\n", out var headerErrors);
        Assert.Contains("header must name the columns address and name", Assert.Single(headerErrors));

        Load(".txt", "", out var extErrors);
        Assert.Contains("unknown format", Assert.Single(extErrors));
    }

    [Fact]
    public void Enricher_attaches_both_sides()
    {
        var inv = AssetInventory.FromEntries([
            (System.Net.IPNetwork.Parse("10.0.0.5/32"), new AssetInfo { Name = "laptop-5", Owner = "sales", Criticality = "medium" }),
        ]);
        var events = new[] { Flows.Event("10.0.0.5", "8.8.8.8"), Flows.Event("8.8.8.8", "10.0.0.5") };
        new AssetEnricher(inv).Enrich(events);
        Assert.Equal("laptop-5", events[0].SourceAsset!.Name);
        Assert.Null(events[0].DestinationAsset);
        Assert.Equal("laptop-5", events[1].DestinationAsset!.Name);
    }
}
