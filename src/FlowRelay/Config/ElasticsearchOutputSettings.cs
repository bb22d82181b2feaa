using Microsoft.Extensions.Configuration;

namespace FlowRelay.Config;

/// <summary>
/// The <c>outputs.elasticsearch</c> section. Secrets (api_key, password, bearer_token) are never
/// written in the file: each is a reference, <c>env:VARIABLE</c> or <c>file:/path</c>, read at start
/// and never logged or printed.
/// </summary>
public sealed class ElasticsearchOutputSettings
{
    /// <summary>Off by default; with it on, flows go through the spool to Elasticsearch.</summary>
    [ConfigurationKeyName("enabled")]
    public bool Enabled { get; set; }

    /// <summary>Cluster node URLs (http or https).</summary>
    [ConfigurationKeyName("urls")]
    public List<string> Urls { get; set; } = [];

    /// <summary>Data stream namespace: logs-flowrelay.flow-&lt;namespace&gt; and so on.</summary>
    [ConfigurationKeyName("namespace")]
    public string Namespace { get; set; } = "default";

    /// <summary>API key (the base64 "id:key" form Kibana shows) as env:NAME or file:/path.</summary>
    [ConfigurationKeyName("api_key")]
    public string ApiKey { get; set; } = "";

    /// <summary>Basic authentication user name (plain: not a secret).</summary>
    [ConfigurationKeyName("username")]
    public string Username { get; set; } = "";

    /// <summary>Basic authentication password as env:NAME or file:/path.</summary>
    [ConfigurationKeyName("password")]
    public string Password { get; set; } = "";

    /// <summary>Bearer token as env:NAME or file:/path.</summary>
    [ConfigurationKeyName("bearer_token")]
    public string BearerToken { get; set; } = "";

    /// <summary>PEM file of the CA that signed the cluster's certificate.</summary>
    [ConfigurationKeyName("ca_file")]
    public string CaFile { get; set; } = "";

    /// <summary>SHA-256 fingerprint (hex, colons allowed) of the cluster's CA or certificate, as Elasticsearch prints it at first start.</summary>
    [ConfigurationKeyName("certificate_fingerprint")]
    public string CertificateFingerprint { get; set; } = "";

    /// <summary>Events per bulk request.</summary>
    [ConfigurationKeyName("batch_size")]
    public int BatchSize { get; set; } = 2000;

    /// <summary>Most document bytes per bulk request.</summary>
    [ConfigurationKeyName("batch_max_bytes")]
    public ByteSize BatchMaxBytes { get; set; } = ByteSize.FromMiB(8);

    /// <summary>Bulk requests in flight at once.</summary>
    [ConfigurationKeyName("concurrency")]
    public int Concurrency { get; set; } = 2;

    /// <summary>Time limit of one request.</summary>
    [ConfigurationKeyName("request_timeout")]
    public Duration RequestTimeout { get; set; } = Duration.FromSeconds(60);

    /// <summary>First wait before retrying 429/5xx/unreachable; doubles per failed attempt up to retry_max_backoff, with jitter.</summary>
    [ConfigurationKeyName("retry_initial_backoff")]
    public Duration RetryInitialBackoff { get; set; } = Duration.FromMilliseconds(200);

    [ConfigurationKeyName("retry_max_backoff")]
    public Duration RetryMaxBackoff { get; set; } = Duration.FromSeconds(30);

    /// <summary>Folder of the dead-letter NDJSON files (events refused for good, with the reason); empty means &lt;data_dir&gt;/dead-letter.</summary>
    [ConfigurationKeyName("dead_letter_path")]
    public string DeadLetterPath { get; set; } = "";

    /// <summary>Install the index templates and lifecycle at start (what <c>flowrelay setup elasticsearch</c> does).</summary>
    [ConfigurationKeyName("setup_on_start")]
    public bool SetupOnStart { get; set; }

    /// <summary>Data stream lifecycle: how long documents are kept.</summary>
    [ConfigurationKeyName("retention")]
    public Duration Retention { get; set; } = Duration.FromHours(24 * 30);

    internal void Validate(string path, ValidationErrors errors)
    {
        if (Enabled && Urls.Count == 0) errors.Add($"{path}.urls", "must list at least one URL when enabled");
        for (int i = 0; i < Urls.Count; i++)
        {
            if (!Uri.TryCreate(Urls[i], UriKind.Absolute, out var u) || u.Scheme is not ("http" or "https"))
                errors.Add($"{path}.urls[{i}]", $"must be an http:// or https:// URL (got '{Urls[i]}')");
        }
        if (string.IsNullOrEmpty(Namespace) || Namespace.Length > 100 || Namespace.Any(c => !(char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c == '_')))
            errors.Add($"{path}.namespace", $"must be 1-100 characters of a-z, 0-9 and _ (got '{Namespace}')");
        ConnectionAuthValidation.Validate(path, ApiKey, Username, Password, BearerToken, CaFile, CertificateFingerprint, errors);
        errors.Range($"{path}.batch_size", BatchSize, 1, 100_000);
        errors.Range($"{path}.batch_max_bytes", BatchMaxBytes, ByteSize.FromKiB(64), ByteSize.FromMiB(100));
        errors.Range($"{path}.concurrency", Concurrency, 1, 64);
        errors.Range($"{path}.request_timeout", RequestTimeout, Duration.FromSeconds(1), Duration.FromMinutes(10));
        errors.Range($"{path}.retry_initial_backoff", RetryInitialBackoff, Duration.FromMilliseconds(1), Duration.FromMinutes(1));
        errors.Range($"{path}.retry_max_backoff", RetryMaxBackoff, RetryInitialBackoff, Duration.FromMinutes(30));
        errors.Range($"{path}.retention", Retention, Duration.FromHours(1), Duration.FromHours(24 * 3650));
    }
}

/// <summary>A secret named by reference (<c>env:NAME</c> or <c>file:/path</c>), so it never sits in the config file or a log.</summary>
public static class SecretReference
{
    internal static void Validate(string setting, string value, ValidationErrors errors)
    {
        if (value.Length == 0) return;
        if (value.StartsWith("env:", StringComparison.Ordinal) && value.Length > 4) return;
        if (value.StartsWith("file:", StringComparison.Ordinal) && value.Length > 5) return;
        // Never echo the value: it may be the secret itself.
        errors.Add(setting, "must be a reference, env:VARIABLE or file:/path, not the secret itself");
    }

    /// <summary>Reads the secret; throws <see cref="InvalidOperationException"/> naming the setting (never the value) when it cannot.</summary>
    public static string Resolve(string setting, string reference)
    {
        if (reference.StartsWith("env:", StringComparison.Ordinal))
        {
            string name = reference[4..];
            return Environment.GetEnvironmentVariable(name) is { Length: > 0 } v
                ? v
                : throw new InvalidOperationException($"setting '{setting}': environment variable {name} is not set");
        }
        if (reference.StartsWith("file:", StringComparison.Ordinal))
        {
            string path = reference[5..];
            try
            {
                return File.ReadAllText(path).Trim();
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw new InvalidOperationException($"setting '{setting}': cannot read {path}: {e.GetType().Name}");
            }
        }
        throw new InvalidOperationException($"setting '{setting}': must be env:VARIABLE or file:/path");
    }
}
