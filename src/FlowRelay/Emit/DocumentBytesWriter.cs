using System.Buffers;

namespace FlowRelay.Emit;

/// <summary>
/// Writes one ECS document as UTF-8 JSON straight into <paramref name="output"/>, strings escaped as
/// JavaScriptEncoder.UnsafeRelaxedJsonEscaping escapes them (the byte writers of FlowRelay.Engine.Ecs),
/// for the outputs' buffers; <c>in</c>, so event structs are not copied.
/// </summary>
public delegate void DocumentBytesWriter<T>(IBufferWriter<byte> output, in T value);
