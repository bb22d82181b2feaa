using Microsoft.Extensions.Configuration;

namespace FlowRelay.Config;

/// <summary>
/// The <c>outputs.kibana</c> section: where <c>flowrelay setup kibana</c> installs the dashboards.
/// Authentication and TLS take the same settings as <c>outputs.elasticsearch</c> (secrets as
/// <c>env:NAME</c> or <c>file:/path</c>); with none of api_key, username and bearer_token set here,
/// the Elasticsearch credentials are used, as Beats' <c>setup.kibana</c> does.
/// </summary>
public sealed class KibanaOutputSettings
{
    /// <summary>Kibana's base URL (http or https), including a base path if Kibana runs under one.</summary>
    [ConfigurationKeyName("url")]
    public string Url { get; set; } = "";

    /// <summary>Kibana space id; empty is the default space.</summary>
    [ConfigurationKeyName("space")]
    public string Space { get; set; } = "";

    /// <summary>API key (the base64 "id:key" form) as env:NAME or file:/path.</summary>
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

    /// <summary>PEM file of the CA that signed Kibana's certificate.</summary>
    [ConfigurationKeyName("ca_file")]
    public string CaFile { get; set; } = "";

    /// <summary>SHA-256 fingerprint (hex, colons allowed) of Kibana's CA or certificate.</summary>
    [ConfigurationKeyName("certificate_fingerprint")]
    public string CertificateFingerprint { get; set; } = "";

    /// <summary>Time limit of the import request.</summary>
    [ConfigurationKeyName("request_timeout")]
    public Duration RequestTimeout { get; set; } = Duration.FromSeconds(60);

    /// <summary>True when this section names its own credentials (otherwise Elasticsearch's are used).</summary>
    public bool HasOwnCredentials => ApiKey.Length > 0 || Username.Length > 0 || BearerToken.Length > 0;

    internal void Validate(string path, ValidationErrors errors)
    {
        if (Url.Length > 0 && (!Uri.TryCreate(Url, UriKind.Absolute, out var u) || u.Scheme is not ("http" or "https")))
            errors.Add($"{path}.url", $"must be an http:// or https:// URL (got '{Url}')");
        // Kibana space ids: lowercase letters, digits, '_' and '-'.
        if (Space.Any(c => !(char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c is '_' or '-')))
            errors.Add($"{path}.space", $"must be a Kibana space id: a-z, 0-9, _ and - (got '{Space}')");
        ConnectionAuthValidation.Validate(path, ApiKey, Username, Password, BearerToken, CaFile, CertificateFingerprint, errors);
        errors.Range($"{path}.request_timeout", RequestTimeout, Duration.FromSeconds(1), Duration.FromMinutes(10));
    }
}
