using System.Buffers;
using System.Text;
using System.Text.Json;
using Xunit;

namespace FlowRelay.Tests.LoadGen;

/// <summary>The load test's Elasticsearch stand-in (tools/FlowRelay.EsSink) answers a bulk body the way the relay's sender reads it.</summary>
public class EsSinkTests
{
    [Fact]
    public void A_bulk_body_gets_one_created_item_per_action_in_order_with_its_index_and_id()
    {
        var body = new StringBuilder();
        for (int i = 0; i < 3; i++)
        {
            body.Append($$$"""{"create":{"_index":"logs-flowrelay.flow-default","_id":"id-{{{i}}}"}}""").Append('\n');
            body.Append($$$"""{"@timestamp":"2026-11-28T12:00:0{{{i}}}Z","source":{"ip":"10.0.0.{{{i}}}"}}""").Append('\n');
        }
        var output = new ArrayBufferWriter<byte>();

        int items = FlowRelay.EsSink.Program.Respond(Encoding.UTF8.GetBytes(body.ToString()), output);

        Assert.Equal(3, items);
        using var answer = JsonDocument.Parse(output.WrittenMemory);
        Assert.False(answer.RootElement.GetProperty("errors").GetBoolean());
        var list = answer.RootElement.GetProperty("items").EnumerateArray().Select(x => x.GetProperty("create")).ToList();
        Assert.Equal(["id-0", "id-1", "id-2"], list.Select(x => x.GetProperty("_id").GetString()));
        Assert.All(list, x =>
        {
            Assert.Equal(201, x.GetProperty("status").GetInt32());
            Assert.Equal("logs-flowrelay.flow-default", x.GetProperty("_index").GetString());
        });
    }

    [Fact]
    public void With_the_relays_filter_path_items_carry_only_their_status()
    {
        var body = "{\"create\":{\"_index\":\"logs-flowrelay.flow-default\",\"_id\":\"a\"}}\n{\"n\":1}\n{\"create\":{\"_index\":\"logs-flowrelay.flow-default\",\"_id\":\"b\"}}\n{\"n\":2}\n";
        var output = new ArrayBufferWriter<byte>();
        Assert.Equal(2, FlowRelay.EsSink.Program.Respond(Encoding.UTF8.GetBytes(body), output, onlyStatus: true));
        Assert.Equal("""{"errors":false,"items":[{"create":{"status":201}},{"create":{"status":201}}]}""", Encoding.UTF8.GetString(output.WrittenSpan));
    }

    [Fact]
    public void Items_are_counted_the_same_however_the_body_arrives_in_pieces()
    {
        // As Kestrel hands the body over: split anywhere, even inside a line; the last line may lack its newline.
        var body = Encoding.UTF8.GetBytes("{\"create\":{}}\n{\"n\":1}\n{\"create\":{}}\n{\"n\":2}\n{\"create\":{}}\n{\"n\":3}");
        for (int cut = 0; cut <= body.Length; cut++)
        {
            var counter = new FlowRelay.EsSink.Program.BulkItemCounter();
            counter.Add(body.AsSpan(0, cut));
            counter.Add(body.AsSpan(cut));
            Assert.Equal(3, counter.Items);
            Assert.Equal(body.Length, counter.Bytes);
        }
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(1024)]
    [InlineData(2500)]
    public void A_status_only_answer_is_valid_json_with_one_created_item_per_action(int items)
    {
        var output = new ArrayBufferWriter<byte>();
        FlowRelay.EsSink.Program.WriteStatusOnlyAnswer(items, output);
        using var answer = JsonDocument.Parse(output.WrittenMemory);
        Assert.False(answer.RootElement.GetProperty("errors").GetBoolean());
        var list = answer.RootElement.GetProperty("items").EnumerateArray().ToList();
        Assert.Equal(items, list.Count);
        Assert.All(list, x => Assert.Equal(201, x.GetProperty("create").GetProperty("status").GetInt32()));
    }

    [Fact]
    public void An_empty_body_gets_an_empty_item_list()
    {
        var output = new ArrayBufferWriter<byte>();
        Assert.Equal(0, FlowRelay.EsSink.Program.Respond([], output));
        using var answer = JsonDocument.Parse(output.WrittenMemory);
        Assert.Equal(0, answer.RootElement.GetProperty("items").GetArrayLength());
    }
}
