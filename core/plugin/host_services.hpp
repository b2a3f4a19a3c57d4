#pragma once

#include <connhost/abi.h>

#include <cstdint>
#include <functional>
#include <string_view>

namespace connhost::plugin {

// The services table handed to every plugin's entry point. The version fields tell the plugin
// which ABI the host speaks; tests may ask for a table that claims another version.
const ch_host_services& host_services(uint16_t abi_major = CONNHOST_ABI_MAJOR,
                                      uint16_t abi_minor = CONNHOST_ABI_MINOR);

// Sees every line a plugin logs, before the secret mask and whatever the log level, with the call
// it came from (may be null). The conformance kit uses it to find secrets a plugin wrote into its
// own log lines, which the mask would hide from any test reading the output. One tap per
// process; an empty function removes it.
using PluginLogTap =
    std::function<void(const ch_call* call, int32_t level, std::string_view message)>;
void set_plugin_log_tap(PluginLogTap tap);

}  // namespace connhost::plugin
