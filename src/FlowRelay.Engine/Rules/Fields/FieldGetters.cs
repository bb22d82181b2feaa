using FlowRelay.Protocols.Flows;

namespace FlowRelay.Engine.Rules.Fields;

/// <summary>Reads an address field; false when the event does not carry it.</summary>
public delegate bool IpGetter<T>(in T e, out IpAddr value) where T : struct;

/// <summary>Reads a numeric field; false when the event does not carry it.</summary>
public delegate bool NumberGetter<T>(in T e, out long value) where T : struct;

/// <summary>Reads a keyword field with a fixed set of values: the value's index in the accessor's <c>Choices</c>, or -1 when absent.</summary>
public delegate int ChoiceGetter<T>(in T e) where T : struct;

/// <summary>Copies a text field as UTF-8 into <paramref name="destination"/>; returns the length, or -1 when absent.</summary>
public delegate int TextGetter<T>(in T e, Span<byte> destination) where T : struct;
