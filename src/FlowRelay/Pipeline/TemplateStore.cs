using FlowRelay.Protocols.Templates;
using Microsoft.Extensions.Logging;

namespace FlowRelay.Pipeline;

/// <summary>
/// Keeps the decoder's templates in <c>&lt;data_dir&gt;/templates.json</c> so data from exporters
/// that sent their templates before a restart decodes at once after it.
/// </summary>
public sealed class TemplateStore
{
    private readonly ILogger<TemplateStore> _logger;

    public TemplateStore(string dataDir, ILogger<TemplateStore> logger)
    {
        FilePath = Path.Combine(dataDir, "templates.json");
        _logger = logger;
    }

    public string FilePath { get; }

    /// <summary>
    /// Loads saved templates into <paramref name="cache"/>. A file that cannot be read is renamed
    /// aside (kept for inspection) and start-up goes on without it.
    /// </summary>
    public int Load(TemplateCache cache)
    {
        if (!File.Exists(FilePath))
        {
            _logger.LogInformation("templates: no saved templates at {Path}", FilePath);
            return 0;
        }
        string? problem;
        int loaded = 0;
        try
        {
            using (var stream = new FileStream(FilePath, FileMode.Open, FileAccess.Read, FileShare.Read))
                loaded = cache.Load(stream);
            // The cache reports a bad file through LastLoadError rather than by throwing.
            problem = cache.LastLoadError;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            problem = e.Message;
        }
        if (problem is null)
        {
            _logger.LogInformation("templates: loaded {Count} templates from {Path}", loaded, FilePath);
            return loaded;
        }
        string aside = $"{FilePath}.corrupt-{DateTime.UtcNow:yyyyMMdd'T'HHmmss}";
        try
        {
            File.Move(FilePath, aside, overwrite: true);
        }
        catch (Exception moveError) when (moveError is IOException or UnauthorizedAccessException)
        {
            aside = "(could not rename: " + moveError.Message + ")";
        }
        _logger.LogWarning("templates: {Path} is unreadable ({Error}); moved it to {Aside} and starting without saved templates",
            FilePath, problem, aside);
        return 0;
    }

    /// <summary>Saves atomically: write a temporary file, then rename it over the old one.</summary>
    public bool Save(TemplateCache cache)
    {
        string temp = FilePath + ".tmp";
        try
        {
            Directory.CreateDirectory(Path.GetDirectoryName(FilePath)!);
            using (var stream = new FileStream(temp, FileMode.Create, FileAccess.Write, FileShare.None))
            {
                cache.Save(stream);
                stream.Flush(flushToDisk: true);
            }
            File.Move(temp, FilePath, overwrite: true);
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            _logger.LogError("templates: cannot save to {Path}: {Error}", FilePath, e.Message);
            return false;
        }
    }
}
