using System.Collections.Concurrent;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace FlowRelay.Tests;

/// <summary>
/// A loopback server (Kestrel on 127.0.0.1, port chosen by the OS) standing in for Kibana's saved
/// objects import API: it records every request (method, path with query, headers, the multipart
/// <c>file</c> part) and answers what the test sets, by default what Kibana answers to a clean
/// import: <c>{"success":true,"successCount":N,...}</c> with N the lines of the uploaded file.
/// Like Kibana, it refuses a write without <c>kbn-xsrf</c> (400).
/// </summary>
internal sealed class LoopbackKibana : IAsyncDisposable
{
    private WebApplication? _app;

    public sealed record Request(string Method, string PathAndQuery, IReadOnlyDictionary<string, string> Headers, string ContentType,
        string? FileName, string? FileContentType, string? FileContent);

    public ConcurrentQueue<Request> Requests { get; } = new();

    /// <summary>Status and body to answer with; null answers a clean import of the uploaded file.</summary>
    public (int Status, string Body)? Answer { get; set; }

    public Uri Url { get; private set; } = null!;

    public static async Task<LoopbackKibana> StartAsync()
    {
        var server = new LoopbackKibana();
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        app.Run(server.HandleAsync);
        await app.StartAsync();
        server.Url = new Uri(app.Urls.First());
        server._app = app;
        return server;
    }

    private async Task HandleAsync(HttpContext context)
    {
        var request = context.Request;
        var response = context.Response;
        response.ContentType = "application/json; charset=utf-8";
        string? fileName = null, fileType = null, content = null;
        if (request.HasFormContentType)
        {
            var form = await request.ReadFormAsync();
            if (form.Files.GetFile("file") is { } file)
            {
                fileName = file.FileName;
                fileType = file.ContentType;
                using var reader = new StreamReader(file.OpenReadStream());
                content = await reader.ReadToEndAsync();
            }
        }
        var headers = request.Headers.ToDictionary(h => h.Key.ToLowerInvariant(), h => h.Value.ToString());
        Requests.Enqueue(new Request(request.Method, request.Path + request.QueryString, headers, request.ContentType ?? "", fileName, fileType, content));

        if (!request.Headers.ContainsKey("kbn-xsrf"))
        {
            response.StatusCode = 400;
            await response.WriteAsync("""{"statusCode":400,"error":"Bad Request","message":"Request must contain a kbn-xsrf header."}""");
            return;
        }
        if (Answer is { } answer)
        {
            response.StatusCode = answer.Status;
            await response.WriteAsync(answer.Body);
            return;
        }
        int lines = content?.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length ?? 0;
        await response.WriteAsync($$"""{"success":true,"successCount":{{lines}},"successResults":[],"warnings":[]}""");
    }

    public async ValueTask DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }
    }
}
