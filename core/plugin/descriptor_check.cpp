#include "plugin/descriptor_check.hpp"

#include <set>
#include <string_view>

#include "plugin/plugin.hpp"

namespace connhost::plugin {
namespace {

constexpr size_t kMaxString = 4096;
constexpr size_t kMaxItems = 1024;

std::string_view view(ch_str s) {
  return s.data ? std::string_view(s.data, s.size) : "";
}

bool sane(ch_str s) {
  return (s.data != nullptr || s.size == 0) && s.size <= kMaxString;
}

std::optional<std::string> check_columns(const ch_stream_def& s, std::string_view stream) {
  if (!s.columns || s.column_count == 0 || s.column_count > kMaxItems)
    return "stream '" + std::string(stream) + "' declares no columns";
  std::set<std::string_view> seen;
  bool has_key = false;
  for (size_t i = 0; i < s.column_count; ++i) {
    const auto& c = s.columns[i];
    if (!sane(c.name) || !valid_identifier(view(c.name), false))
      return "stream '" + std::string(stream) + "' column " + std::to_string(i) +
             " has an invalid name";
    if (column_type_name(c.type) == "?")
      return "stream '" + std::string(stream) + "' column '" + std::string(view(c.name)) +
             "' has unknown type " + std::to_string(c.type);
    if (!seen.insert(view(c.name)).second)
      return "stream '" + std::string(stream) + "' repeats column '" + std::string(view(c.name)) +
             "'";
    has_key |= (c.flags & CH_COLUMN_PRIMARY_KEY) != 0;
  }
  if (!has_key) return "stream '" + std::string(stream) + "' declares no primary key column";
  return std::nullopt;
}

}  // namespace

bool valid_identifier(std::string_view s, bool allow_dash) {
  if (s.empty() || s.size() > 64 || s[0] < 'a' || s[0] > 'z') return false;
  for (char c : s) {
    bool ok =
        (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || (allow_dash && c == '-');
    if (!ok) return false;
  }
  return true;
}

std::optional<std::string> check_descriptor(const ch_plugin_descriptor& d) {
  for (auto [name, s] : {std::pair{"id", d.id},
                         {"display_name", d.display_name},
                         {"version", d.version},
                         {"platform", d.platform}})
    if (!sane(s)) return std::string("descriptor field '") + name + "' is not a valid string";
  if (d.id.size == 0) return "descriptor has no id";
  if (!valid_identifier(view(d.id), true))
    return "descriptor id '" + std::string(view(d.id)) + "' is not [a-z][a-z0-9_-]*";
  if (d.version.size == 0) return "descriptor has no version";
  if (d.platform.size == 0) return "descriptor has no platform";
  if (!d.instance_create || !d.instance_destroy)
    return "descriptor lacks instance_create or instance_destroy";
  if (d.flags & ~CH_PLUGIN_UNLOAD_SAFE)
    return "descriptor flags " + std::to_string(d.flags) + " have bits this host does not know";

  if (d.config_field_count > kMaxItems || (d.config_field_count > 0 && !d.config_fields))
    return "config schema: field table is missing or too large";
  std::set<std::string_view> keys;
  for (size_t i = 0; i < d.config_field_count; ++i) {
    const auto& f = d.config_fields[i];
    std::string where = "config schema field " + std::to_string(i);
    if (!sane(f.key) || !valid_identifier(view(f.key), false))
      return where + ": key is not [a-z][a-z0-9_]*";
    where = "config schema field '" + std::string(view(f.key)) + "'";
    if (view(f.key) == "plugin" || view(f.key) == "isolation")
      return where + ": the key is reserved by the host";
    if (config_type_name(f.type) == "?") return where + ": unknown type " + std::to_string(f.type);
    if (f.flags & ~(CH_CONFIG_REQUIRED | CH_CONFIG_SECRET)) return where + ": unknown flags";
    if (!sane(f.default_value) || !sane(f.doc)) return where + ": invalid default or doc string";
    if ((f.flags & CH_CONFIG_SECRET) && f.default_value.data)
      return where + ": a secret cannot have a default";
    if ((f.flags & CH_CONFIG_SECRET) && f.type != CH_CONFIG_STRING)
      return where + ": a secret must be a string";
    if (!keys.insert(view(f.key)).second) return where + ": key declared twice";
  }

  if (d.reporting) {
    if (d.reporting->struct_size < sizeof(ch_reporting_v1) || d.reporting->struct_size > 65536)
      return "reporting table has struct size " + std::to_string(d.reporting->struct_size);
    if (!d.reporting->read) return "reporting table lacks read";
    if (d.reporting->stream_count == 0 || !d.reporting->streams ||
        d.reporting->stream_count > kMaxItems)
      return "reporting declares no streams";
    std::set<std::string_view> names;
    for (size_t i = 0; i < d.reporting->stream_count; ++i) {
      const auto& s = d.reporting->streams[i];
      if (!sane(s.name) || !valid_identifier(view(s.name), false))
        return "reporting stream " + std::to_string(i) + " has an invalid name";
      if (!names.insert(view(s.name)).second)
        return "reporting stream '" + std::string(view(s.name)) + "' declared twice";
      if (auto e = check_columns(s, view(s.name))) return e;
    }
  }
  for (auto [name, size] : {std::pair{"login", d.login ? d.login->struct_size : 0u},
                            {"messaging", d.messaging ? d.messaging->struct_size : 0u},
                            {"profile", d.profile ? d.profile->struct_size : 0u}}) {
    if (size != 0 && (size < sizeof(uint32_t) + sizeof(void*) || size > 65536))
      return std::string(name) + " table has struct size " + std::to_string(size);
  }
  if (d.unavailable_count > 0) {
    if (!d.unavailable || d.unavailable_count > 4)
      return "unavailable capabilities: " + std::to_string(d.unavailable_count) +
             " notes without a table, or more than the 4 capabilities";
    const uint32_t offered = (d.reporting ? CH_CAP_REPORTING : 0u) | (d.login ? CH_CAP_LOGIN : 0u) |
                             (d.messaging ? CH_CAP_MESSAGING : 0u) |
                             (d.profile ? CH_CAP_PROFILE : 0u);
    for (size_t i = 0; i < d.unavailable_count; ++i) {
      const auto& n = d.unavailable[i];
      if (n.capability == 0 || (n.capability & (n.capability - 1)) != 0 ||
          n.capability > CH_CAP_PROFILE)
        return "unavailable capability " + std::to_string(i) + " is not one CH_CAP_* bit";
      if (n.capability & offered)
        return "capability " + capability_names(n.capability) +
               " is both offered and declared unavailable";
      if (!sane(n.reason) || n.reason.size == 0)
        return "unavailable capability " + capability_names(n.capability) + " gives no reason";
    }
  }
  return std::nullopt;
}

}  // namespace connhost::plugin
