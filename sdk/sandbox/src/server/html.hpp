#pragma once

// For the consent and error pages the emulated OAuth servers render.

#include <string>
#include <string_view>

namespace connhost::sandbox {

// Escapes text for HTML element content and quoted attribute values.
std::string html_escape(std::string_view s);

}  // namespace connhost::sandbox
