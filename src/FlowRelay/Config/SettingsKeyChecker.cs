using System.Collections;
using System.ComponentModel;
using System.Globalization;
using System.Reflection;
using Microsoft.Extensions.Configuration;

namespace FlowRelay.Config;

/// <summary>
/// Walks configuration keys against the settings classes before binding, so every unknown key
/// and every value that does not convert is reported at once, each by its dotted setting name
/// (the binder alone stops at the first and names neither file nor setting clearly).
/// </summary>
public static class SettingsKeyChecker
{
    /// <summary>
    /// Checks every key under <paramref name="config"/> against <typeparamref name="T"/>; returns the
    /// configuration paths of the bad keys, so they can be left out and the rest still validated.
    /// </summary>
    public static IReadOnlyList<string> Check<T>(IConfiguration config, ValidationErrors errors)
    {
        var bad = new List<string>();
        CheckSection(config.GetChildren(), typeof(T), "", errors, bad);
        return bad;
    }

    private static void CheckSection(IEnumerable<IConfigurationSection> children, Type type, string prefix, ValidationErrors errors, List<string> bad)
    {
        var props = type.GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => p.CanWrite || !p.PropertyType.IsValueType)
            .ToDictionary(p => p.GetCustomAttribute<ConfigurationKeyNameAttribute>()?.Name ?? p.Name, StringComparer.OrdinalIgnoreCase);
        foreach (var child in children)
        {
            string name = child.Key.ToLowerInvariant();
            string path = prefix.Length == 0 ? name : prefix + "." + name;
            if (!props.TryGetValue(child.Key, out var prop))
            {
                var known = string.Join(", ", props.Keys.Order());
                errors.Add(path, $"unknown setting (known here: {known})");
                bad.Add(child.Path);
                continue;
            }
            CheckValue(child, prop.PropertyType, path, errors, bad);
        }
    }

    private static void CheckValue(IConfigurationSection section, Type type, string path, ValidationErrors errors, List<string> bad)
    {
        var valueType = DictionaryValueType(type);
        if (valueType is not null)
        {
            // A map of user-chosen names (enrich.networks): any key, each value checked as its type.
            if (section.Value is not null && !section.GetChildren().Any())
            {
                errors.Add(path, $"must be a mapping of names to values (got '{section.Value}')");
                bad.Add(section.Path);
                return;
            }
            foreach (var item in section.GetChildren()) CheckValue(item, valueType, $"{path}.{item.Key}", errors, bad);
            return;
        }
        var elementType = ListElementType(type);
        if (elementType is not null)
        {
            if (section.Value is not null && !section.GetChildren().Any())
            {
                errors.Add(path, $"must be a list (got '{section.Value}')");
                bad.Add(section.Path);
                return;
            }
            foreach (var item in section.GetChildren())
            {
                if (!int.TryParse(item.Key, NumberStyles.None, CultureInfo.InvariantCulture, out _))
                {
                    errors.Add(path, $"must be a list (found key '{item.Key}')");
                    bad.Add(item.Path);
                    continue;
                }
                CheckValue(item, elementType, $"{path}[{item.Key}]", errors, bad);
            }
            return;
        }
        if (IsScalar(type))
        {
            if (section.GetChildren().Any())
            {
                errors.Add(path, "must be a single value, not a section or list");
                bad.Add(section.Path);
                return;
            }
            if (section.Value is null) return;
            try
            {
                TypeDescriptor.GetConverter(type).ConvertFromInvariantString(section.Value);
            }
            catch (Exception e)
            {
                errors.Add(path, DescribeConversion(type, section.Value, e));
                bad.Add(section.Path);
            }
            return;
        }
        if (section.Value is not null && !section.GetChildren().Any())
        {
            errors.Add(path, $"must be a section of settings (got '{section.Value}')");
            bad.Add(section.Path);
            return;
        }
        CheckSection(section.GetChildren(), type, path, errors, bad);
    }

    private static string DescribeConversion(Type type, string value, Exception e)
    {
        if (type == typeof(Duration) || type == typeof(ByteSize)) return (e.InnerException ?? e).Message;
        if (type == typeof(bool)) return $"must be true or false (got '{value}')";
        if (type == typeof(int) || type == typeof(long)) return $"must be a whole number (got '{value}')";
        if (type == typeof(uint) || type == typeof(ulong)) return $"must be a whole number, 0 or more (got '{value}')";
        return $"'{value}' is not a valid {type.Name}";
    }

    private static bool IsScalar(Type t) => t.IsPrimitive || t.IsEnum || t == typeof(string) || t == typeof(decimal) ||
                                           t.GetCustomAttribute<TypeConverterAttribute>() is not null;

    private static Type? DictionaryValueType(Type t) =>
        t.IsGenericType && t.GetGenericTypeDefinition() == typeof(Dictionary<,>) && t.GetGenericArguments()[0] == typeof(string)
            ? t.GetGenericArguments()[1]
            : null;

    private static Type? ListElementType(Type t)
    {
        if (t == typeof(string)) return null;
        if (t.IsArray) return t.GetElementType();
        if (t.IsGenericType && typeof(IEnumerable).IsAssignableFrom(t)) return t.GetGenericArguments()[0];
        return null;
    }
}
