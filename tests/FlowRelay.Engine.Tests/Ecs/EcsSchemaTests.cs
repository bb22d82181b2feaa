namespace FlowRelay.Engine.Tests.Ecs;

public class EcsSchemaTests
{
    [Fact]
    public void Committed_extract_matches_the_shared_ECS_reference_when_it_is_present()
    {
        string? reference = FindReference();
        // A clone without the workplace's shared/ folder still has the committed extract; where the
        // reference is present (developers' machines and CI) the extract must not have drifted.
        // CI lays shared/ beside the clone, so there it must be found.
        if (reference is null)
        {
            Assert.Null(Environment.GetEnvironmentVariable("CI"));
            return;
        }
        var expected = ReadReference(reference);
        var schema = EcsSchema.Load();
        Assert.Equal(expected.Count, schema.Count);
        foreach (var (field, type) in expected)
        {
            Assert.True(schema.TryGetType(field, out string actual), field);
            Assert.Equal(type, actual);
        }
    }

    private static List<(string Field, string Type)> ReadReference(string path)
    {
        // Descriptions are quoted and may span lines: read it as real CSV.
        using var parser = new Microsoft.VisualBasic.FileIO.TextFieldParser(path) { HasFieldsEnclosedInQuotes = true };
        parser.SetDelimiters(",");
        parser.ReadFields(); // ECS_Version,Indexed,Field_Set,Field,Type,...
        var rows = new List<(string, string)>();
        while (!parser.EndOfData)
        {
            string[] row = parser.ReadFields()!;
            rows.Add((row[3], row[4]));
        }
        return rows;
    }

    private static string? FindReference()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            string candidate = Path.Combine(dir.FullName, "shared", "reference", "ecs-fields.csv");
            if (File.Exists(candidate)) return candidate;
        }
        return null;
    }
}
