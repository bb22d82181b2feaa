using Elastic.Clients.Elasticsearch;
using Elastic.Transport;

namespace FlowRelay.Emit.Elasticsearch;

/// <summary>The answer to one bulk request: HTTP status (0 when there was none) and body, or what went wrong.</summary>
public readonly record struct BulkAttempt(int Status, byte[]? Body, string? Error);

/// <summary>Sends a ready NDJSON bulk body. The seam between the sender's retry logic and the wire.</summary>
public interface IBulkTransport
{
    Task<BulkAttempt> SendAsync(ReadOnlyMemory<byte> body, CancellationToken cancellationToken);
}

/// <summary>
/// Bulk requests through the official client's transport (node pool, authentication, TLS and the
/// product check included): POST /_bulk with the raw NDJSON body, answer as bytes.
/// </summary>
public sealed class ClientBulkTransport(ElasticsearchClient client) : IBulkTransport
{
    private static readonly RequestConfiguration Ndjson = new()
    {
        ContentType = "application/x-ndjson",
        Accept = "application/json",
        // Without it the transport copies each body into a new MemoryStream to learn its length:
        // 2.8 MB per 2,000-document request, 275 MB/s of garbage at 200,000 documents/s.
        TransferEncodingChunked = true,
    };

    /// <summary>
    /// The bulk endpoint, asking Elasticsearch to answer with only what the sender reads
    /// (<c>errors</c>, and each item's <c>status</c> and <c>error</c>): a tenth of the full answer.
    /// </summary>
    public const string BulkPath = "/_bulk?filter_path=errors,items.*.error,items.*.status";

    public ElasticsearchClient Client => client;

    public async Task<BulkAttempt> SendAsync(ReadOnlyMemory<byte> body, CancellationToken cancellationToken)
    {
        var path = new EndpointPath(Elastic.Transport.HttpMethod.POST, BulkPath);
        var response = await client.Transport.RequestAsync<BytesResponse>(in path, PostData.ReadOnlyMemory(body), null, Ndjson, cancellationToken)
            .ConfigureAwait(false);
        var details = response.ApiCallDetails;
        int status = details.HttpStatusCode ?? 0;
        string? error = details.HasSuccessfulStatusCode ? null : details.OriginalException?.Message ?? $"HTTP {status}";
        return new BulkAttempt(status, response.Body, error);
    }
}
