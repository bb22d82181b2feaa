using System.Net.Http.Headers;
using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using FlowRelay.Config;

namespace FlowRelay.Emit.Kibana;

/// <summary>
/// The HTTP client for Kibana's API from <c>outputs.kibana</c>: authentication (its own, or
/// <c>outputs.elasticsearch</c>'s when it names none), TLS trust (CA file or certificate
/// fingerprint, as for Elasticsearch) and the request timeout.
/// </summary>
public static class KibanaConnection
{
    /// <summary>The Authorization header value, or null; throws <see cref="InvalidOperationException"/> naming the setting (never the secret) when a secret cannot be read.</summary>
    public static AuthenticationHeaderValue? Authorization(KibanaOutputSettings kibana, ElasticsearchOutputSettings elasticsearch)
    {
        // Kibana's own credentials first; otherwise the cluster's, which Kibana accepts as the same users.
        var (prefix, apiKey, user, password, bearer) = kibana.HasOwnCredentials
            ? ("outputs.kibana", kibana.ApiKey, kibana.Username, kibana.Password, kibana.BearerToken)
            : ("outputs.elasticsearch", elasticsearch.ApiKey, elasticsearch.Username, elasticsearch.Password, elasticsearch.BearerToken);
        if (apiKey.Length > 0) return new AuthenticationHeaderValue("ApiKey", SecretReference.Resolve(prefix + ".api_key", apiKey));
        if (user.Length > 0)
        {
            string secret = SecretReference.Resolve(prefix + ".password", password);
            return new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(user + ":" + secret)));
        }
        if (bearer.Length > 0) return new AuthenticationHeaderValue("Bearer", SecretReference.Resolve(prefix + ".bearer_token", bearer));
        return null;
    }

    /// <summary>Creates the client (base address = <c>outputs.kibana.url</c>).</summary>
    public static HttpClient CreateClient(KibanaOutputSettings kibana, ElasticsearchOutputSettings elasticsearch)
    {
        var handler = new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5) };
        if (kibana.CertificateFingerprint.Length > 0)
        {
            byte[] expected = Convert.FromHexString(kibana.CertificateFingerprint.Replace(":", ""));
            handler.SslOptions = new SslClientAuthenticationOptions
            {
                // Accept a chain that holds the pinned certificate (Kibana's own or its CA), as Elasticsearch's fingerprint option does.
                RemoteCertificateValidationCallback = (_, cert, chain, errors) =>
                    errors == SslPolicyErrors.None
                    || (cert is not null && SHA256.HashData(cert.GetRawCertData()).AsSpan().SequenceEqual(expected))
                    || (chain is not null && chain.ChainElements.Any(e => SHA256.HashData(e.Certificate.RawData).AsSpan().SequenceEqual(expected))),
            };
        }
        else if (kibana.CaFile.Length > 0)
        {
            var ca = X509Certificate2.CreateFromPemFile(kibana.CaFile);
            handler.SslOptions = new SslClientAuthenticationOptions
            {
                RemoteCertificateValidationCallback = (_, cert, _, errors) =>
                {
                    if (errors == SslPolicyErrors.None) return true;
                    if (cert is null || (errors & SslPolicyErrors.RemoteCertificateNameMismatch) != 0) return false;
                    using var chain = new X509Chain();
                    chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
                    chain.ChainPolicy.CustomTrustStore.Add(ca);
                    chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
                    return chain.Build(new X509Certificate2(cert));
                },
            };
        }
        string baseUrl = kibana.Url.EndsWith('/') ? kibana.Url : kibana.Url + "/";
        var client = new HttpClient(handler) { BaseAddress = new Uri(baseUrl), Timeout = kibana.RequestTimeout.Value };
        client.DefaultRequestHeaders.Authorization = Authorization(kibana, elasticsearch);
        return client;
    }
}
