using Elastic.Clients.Elasticsearch;
using Elastic.Transport;

namespace FlowRelay.Emit.Elasticsearch;

/// <summary>Installs the lifecycle policy, component templates and index templates (<c>flowrelay setup elasticsearch</c>).</summary>
public static class ElasticsearchSetup
{
    private static readonly RequestConfiguration Json = new() { ContentType = "application/json", Accept = "application/json" };

    /// <summary>PUTs every template; returns the failures (empty when all were acknowledged).</summary>
    public static async Task<List<string>> InstallAsync(ElasticsearchClient client, TimeSpan retention, Action<string> progress, CancellationToken ct)
    {
        var failures = new List<string>();
        foreach (var (path, body) in IndexTemplates.Requests(EcsFieldTypes.Load(), retention))
        {
            var endpoint = new EndpointPath(Elastic.Transport.HttpMethod.PUT, path);
            var response = await client.Transport.RequestAsync<StringResponse>(in endpoint, PostData.String(body), null, Json, ct).ConfigureAwait(false);
            var details = response.ApiCallDetails;
            if (details.HasSuccessfulStatusCode)
            {
                progress($"PUT {path}: ok");
            }
            else
            {
                string why = details.HttpStatusCode is int s ? $"HTTP {s}: {Truncate(response.Body)}" : details.OriginalException?.Message ?? "no answer";
                progress($"PUT {path}: FAILED ({why})");
                failures.Add($"{path}: {why}");
            }
        }
        return failures;
    }

    private static string Truncate(string? s) => s is null ? "" : s.Length <= 500 ? s : s[..500] + "…";
}
