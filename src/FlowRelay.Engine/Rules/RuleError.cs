namespace FlowRelay.Engine.Rules;

/// <summary>Why a rule file was refused, and where: file, 1-based line and column, and the reason.</summary>
public sealed record RuleError(string File, int Line, int Column, string Message)
{
    /// <summary>"file:line:column: message", the form compilers and editors understand.</summary>
    public override string ToString() => Line > 0 ? $"{File}:{Line}:{Column}: {Message}" : $"{File}: {Message}";
}
