namespace FlowRelay.Config;

/// <summary>
/// The authentication and TLS checks shared by every HTTP connection section
/// (<c>outputs.elasticsearch</c>, <c>outputs.kibana</c>): secrets by reference, one scheme at a
/// time, user and password together, a CA file that exists, a SHA-256 fingerprint.
/// </summary>
internal static class ConnectionAuthValidation
{
    internal static void Validate(string path, string apiKey, string username, string password, string bearerToken,
        string caFile, string certificateFingerprint, ValidationErrors errors)
    {
        SecretReference.Validate($"{path}.api_key", apiKey, errors);
        SecretReference.Validate($"{path}.password", password, errors);
        SecretReference.Validate($"{path}.bearer_token", bearerToken, errors);
        int schemes = (apiKey.Length > 0 ? 1 : 0) + (username.Length > 0 ? 1 : 0) + (bearerToken.Length > 0 ? 1 : 0);
        if (schemes > 1) errors.Add($"{path}.api_key", "set only one of api_key, username/password and bearer_token");
        if (username.Length > 0 != password.Length > 0) errors.Add($"{path}.password", "username and password go together");
        if (caFile.Length > 0 && !File.Exists(caFile)) errors.Add($"{path}.ca_file", $"file not found: '{caFile}'");
        if (certificateFingerprint.Length > 0 && certificateFingerprint.Replace(":", "").Length != 64)
            errors.Add($"{path}.certificate_fingerprint", "must be a SHA-256 fingerprint: 64 hex digits, colons allowed");
    }
}
