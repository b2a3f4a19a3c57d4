#include "plugin/plugin.hpp"

namespace connhost::plugin {
namespace {
std::string_view view(ch_str s) {
  return s.data ? std::string_view(s.data, s.size) : "";
}
}  // namespace

std::string_view LoadedPlugin::display_name() const {
  return view(descriptor.display_name);
}
std::string_view LoadedPlugin::version() const {
  return view(descriptor.version);
}
std::string_view LoadedPlugin::platform() const {
  return view(descriptor.platform);
}

std::string LoadedPlugin::abi_version() const {
  return std::to_string(descriptor.abi_major) + "." + std::to_string(descriptor.abi_minor);
}

const ch_config_field* LoadedPlugin::find_field(std::string_view key) const {
  for (size_t i = 0; i < descriptor.config_field_count; ++i)
    if (view(descriptor.config_fields[i].key) == key) return &descriptor.config_fields[i];
  return nullptr;
}

const ch_stream_def* LoadedPlugin::find_stream(std::string_view name) const {
  for (size_t i = 0; i < reporting.stream_count; ++i)
    if (view(reporting.streams[i].name) == name) return &reporting.streams[i];
  return nullptr;
}

std::string LoadedPlugin::missing_reason(uint32_t capability) const {
  if (auto it = unavailable.find(capability); it != unavailable.end())
    return "plugin '" + id + "' offers no " + capability_names(capability) + ": " + it->second;
  return "the plugin offers no " + capability_names(capability);
}

std::string capability_names(uint32_t caps) {
  std::string out;
  for (auto [bit, name] : {std::pair{CH_CAP_REPORTING, "reporting"},
                           {CH_CAP_LOGIN, "login"},
                           {CH_CAP_MESSAGING, "messaging"},
                           {CH_CAP_PROFILE, "profile"}}) {
    if (caps & bit) out += (out.empty() ? "" : ",") + std::string(name);
  }
  return out.empty() ? "-" : out;
}

std::string_view config_type_name(int32_t type) {
  switch (type) {
    case CH_CONFIG_STRING:
      return "string";
    case CH_CONFIG_INT:
      return "integer";
    case CH_CONFIG_DOUBLE:
      return "number";
    case CH_CONFIG_BOOL:
      return "bool";
    case CH_CONFIG_STRING_LIST:
      return "list of strings";
  }
  return "?";
}

std::string_view column_type_name(int32_t type) {
  switch (type) {
    case CH_COL_STRING:
      return "string";
    case CH_COL_INT64:
      return "int64";
    case CH_COL_DOUBLE:
      return "double";
    case CH_COL_BOOL:
      return "bool";
    case CH_COL_DATE:
      return "date";
    case CH_COL_TIMESTAMP:
      return "timestamp";
    case CH_COL_MONEY:
      return "money";
  }
  return "?";
}

}  // namespace connhost::plugin
