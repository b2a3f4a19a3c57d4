#pragma once

// A normalized event (plugin::MessageEvent) as the JSON stored in inbox_events.event_json, and
// back: the processor works from the stored text alone, so a replay needs no plugin.

#include <string>

#include "plugin/instance.hpp"

namespace connhost::inbox {

std::string event_to_json(const plugin::MessageEvent& e);
// Throws std::invalid_argument when the text is not an event written by event_to_json.
plugin::MessageEvent event_from_json(std::string_view text);

}  // namespace connhost::inbox
