#pragma once

#include <connhost/abi.h>

#include <cstdint>

namespace connhost::plugin {

// The services table handed to every plugin's entry point. The version fields tell the plugin
// which ABI the host speaks; tests may ask for a table that claims another version.
const ch_host_services& host_services(uint16_t abi_major = CONNHOST_ABI_MAJOR,
                                      uint16_t abi_minor = CONNHOST_ABI_MINOR);

}  // namespace connhost::plugin
