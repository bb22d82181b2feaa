namespace FlowRelay.Cli;

/// <summary>Process exit codes of the <c>flowrelay</c> command.</summary>
public static class ExitCodes
{
    /// <summary>Success.</summary>
    public const int Ok = 0;

    /// <summary><c>validate</c>: the configuration has errors. <c>run</c>: the service failed to start or crashed.</summary>
    public const int Failed = 1;

    /// <summary><c>run</c>: the configuration has errors; nothing was started.</summary>
    public const int BadConfig = 2;
}
