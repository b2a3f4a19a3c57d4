#pragma once

#include <connhost/abi.h>

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace connhost::plugin {

// A library the loader accepted. The descriptor is a host-side copy of the plugin's, padded with
// zeros past the plugin's struct_size, so the host can read every field of its own version; its
// pointers point into the library, which `library` keeps loaded.
struct LoadedPlugin {
  std::string id;
  std::filesystem::path path;  // the file in the plugin folder, as ops name it
  // The file actually mapped: `path` for a plugin loaded at start, else the host's private copy
  // of it (a reload must not get the dynamic linker's cached handle for `path`, and must not map
  // a file ops may overwrite later).
  std::filesystem::path loaded_from;
  // 1 for the first load of an id in this process, one more for each version that replaced it.
  uint64_t generation = 1;
  std::chrono::system_clock::time_point loaded_at;
  ch_plugin_descriptor descriptor{};
  ch_reporting_v1 reporting{};
  ch_login_v1 login{};
  ch_messaging_v1 messaging{};
  ch_profile_v1 profile{};
  uint32_t capabilities = 0;  // CH_CAP_* derived from the non-null tables
  // Capabilities the plugin declares it cannot offer, with its reason (descriptor.unavailable).
  std::map<uint32_t, std::string> unavailable;
  // Unloads the library when the last reference goes, unless the registry pinned it (a plugin
  // that does not declare CH_PLUGIN_UNLOAD_SAFE stays mapped for the process's life).
  std::shared_ptr<void> library;

  uint32_t flags() const { return descriptor.flags; }  // CH_PLUGIN_*; 0 before ABI 1.3
  bool unload_safe() const { return (descriptor.flags & CH_PLUGIN_UNLOAD_SAFE) != 0; }

  std::string_view display_name() const;
  std::string_view version() const;
  std::string_view platform() const;
  std::string abi_version() const;  // "1.0"
  const ch_config_field* find_field(std::string_view key) const;
  const ch_stream_def* find_stream(std::string_view name) const;
  // Why the plugin does not offer `capability`: its own reason when it gave one, else a generic
  // "the plugin offers no <capability>".
  std::string missing_reason(uint32_t capability) const;
};

// A file the loader refused, with the one-line reason ops see.
struct Refusal {
  std::filesystem::path path;
  std::string reason;
  // Set when the file is a new version of a plugin that stays loaded: the id it would have
  // replaced.
  std::string kept_id;
};

std::string capability_names(uint32_t caps);  // "reporting,login"
std::string_view config_type_name(int32_t type);
std::string_view column_type_name(int32_t type);

}  // namespace connhost::plugin
