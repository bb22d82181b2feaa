namespace FlowRelay.Stats;

/// <summary>
/// Counters of the flow pipeline, plus the hand-over of decoder snapshots: stats asks, the
/// pipeline thread answers at its next housekeeping tick.
/// </summary>
public sealed class PipelineCounters
{
    private readonly Lock _gate = new();
    private TaskCompletionSource<DecoderSnapshot>? _request;
    private DecoderSnapshot? _latest;

    /// <summary>Packets taken off the queue and decoded.</summary>
    public long Packets;
    /// <summary>Events handed to the sinks.</summary>
    public long Events;
    /// <summary>Alerts raised by the rule stage.</summary>
    public long Alerts;
    /// <summary>Unexpected exceptions from a stage (should stay 0; each is logged).</summary>
    public long StageErrors;

    /// <summary>Batches (of up to 1024 events) waiting for the rule stage and for the emitter, as the pipeline reports them.</summary>
    public Func<(int Rules, int Emit)>? BatchQueueDepths { get; set; }

    /// <summary>The most recent decoder snapshot, or null before the first.</summary>
    public DecoderSnapshot? Latest => Volatile.Read(ref _latest);

    /// <summary>Asks the pipeline thread for a fresh snapshot.</summary>
    public Task<DecoderSnapshot> RequestSnapshotAsync()
    {
        lock (_gate)
        {
            _request ??= new TaskCompletionSource<DecoderSnapshot>(TaskCreationOptions.RunContinuationsAsynchronously);
            return _request.Task;
        }
    }

    /// <summary>True when a snapshot was asked for (cheap check for the pipeline's loop).</summary>
    public bool SnapshotRequested => Volatile.Read(ref _request) is not null;

    /// <summary>Stores a snapshot taken on the pipeline thread and answers any pending request.</summary>
    public void Publish(DecoderSnapshot snapshot)
    {
        Volatile.Write(ref _latest, snapshot);
        TaskCompletionSource<DecoderSnapshot>? request;
        lock (_gate)
        {
            request = _request;
            _request = null;
        }
        request?.TrySetResult(snapshot);
    }
}
