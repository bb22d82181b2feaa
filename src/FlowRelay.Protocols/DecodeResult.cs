namespace FlowRelay.Protocols;

/// <summary>What decoding one packet produced.</summary>
public readonly record struct DecodeResult(
    DecodeStatus Status,
    int Records,
    int TemplatesLearned,
    int SetsWaiting)
{
    /// <summary>True when the whole packet decoded without error.</summary>
    public bool IsOk => Status == DecodeStatus.Ok;
}
