namespace FlowRelay.Ingest;

/// <summary>A listen address could not be bound; the message says which and why, for the user.</summary>
public sealed class ListenerBindException(string message, Exception inner) : Exception(message, inner);
