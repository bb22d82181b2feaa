using System.Text.Json;
using FlowRelay.Engine.Events;

namespace FlowRelay.Engine.Ecs;

/// <summary>
/// Writes a <see cref="FlowEvent"/> as one ECS JSON document. Field names follow ECS
/// (../shared/reference/ecs-fields.csv); what ECS lacks goes under <c>flowrelay.*</c>.
/// </summary>
public static class FlowDocumentWriter
{
    // CONTRACT STUB — to be implemented (helper B).
    /// <summary>Writes one document (a complete JSON object) to <paramref name="writer"/>.</summary>
    public static void Write(Utf8JsonWriter writer, in FlowEvent flowEvent) => throw new NotImplementedException();
}
