#pragma once

#include <connhost/abi.h>

#include <optional>
#include <string>

namespace connhost::plugin {

// Checks that a descriptor (already copied to host size) is one the host can trust: every string
// well formed, a valid id, a sound config schema, sound stream definitions, the functions the
// host needs present. Returns the first problem found, or nothing when the descriptor is valid.
std::optional<std::string> check_descriptor(const ch_plugin_descriptor& d);

// The id grammar, [a-z][a-z0-9_-]* up to 64 bytes; also used for config keys and streams.
bool valid_identifier(std::string_view s, bool allow_dash);

}  // namespace connhost::plugin
