using System.Security.Cryptography.X509Certificates;
using Elastic.Clients.Elasticsearch;
using Elastic.Transport;
using FlowRelay.Config;

namespace FlowRelay.Emit.Elasticsearch;

/// <summary>Builds the official client from <c>outputs.elasticsearch</c>: nodes, authentication, TLS, timeouts.</summary>
public static class ElasticsearchConnection
{
    /// <summary>Creates the client; throws <see cref="InvalidOperationException"/> (naming the setting, never a secret) when a secret cannot be read.</summary>
    public static ElasticsearchClient CreateClient(ElasticsearchOutputSettings s)
    {
        var uris = s.Urls.Select(u => new Uri(u)).ToList();
        NodePool pool = uris.Count == 1 ? new SingleNodePool(uris[0]) : new StaticNodePool(uris);
        var settings = new ElasticsearchClientSettings(pool)
            .RequestTimeout(s.RequestTimeout.Value)
            .DisablePing()
            .EnableHttpCompression(false)
            .ConnectionLimit(Math.Max(4, s.Concurrency * 2));

        if (s.ApiKey.Length > 0)
            settings = settings.Authentication(new ApiKey(SecretReference.Resolve("outputs.elasticsearch.api_key", s.ApiKey)));
        else if (s.Username.Length > 0)
            settings = settings.Authentication(new BasicAuthentication(s.Username, SecretReference.Resolve("outputs.elasticsearch.password", s.Password)));
        else if (s.BearerToken.Length > 0)
            settings = settings.Authentication(new BearerToken(SecretReference.Resolve("outputs.elasticsearch.bearer_token", s.BearerToken)));

        if (s.CertificateFingerprint.Length > 0)
        {
            settings = settings.CertificateFingerprint(s.CertificateFingerprint);
        }
        else if (s.CaFile.Length > 0)
        {
            var bundle = new X509Certificate2Collection();
            bundle.ImportFromPemFile(s.CaFile);
            settings = settings.ServerCertificateValidationCallback(CertificateValidations.AuthorityIsRoot(bundle[0]));
        }
        return new ElasticsearchClient(settings);
    }

    /// <summary>Authorization: Bearer &lt;token&gt; (a service account or OAuth token).</summary>
    private sealed class BearerToken(string token) : AuthorizationHeader
    {
        public override string AuthScheme => "Bearer";

        public override bool TryGetAuthorizationParameters(out string value)
        {
            value = token;
            return true;
        }

        // Never let the token reach a log through ToString.
        public override string ToString() => "Bearer <redacted>";
    }
}
