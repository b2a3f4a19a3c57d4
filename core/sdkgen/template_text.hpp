#pragma once

// The skeleton's template language, kept tiny on purpose so a skeleton file still reads as the
// file it becomes: `@@NAME@@` is replaced by a value, and lines between a line holding
// `@@if CAP` and one holding `@@endif` (each alone on its line, after `//` or `#`) are kept only
// when CAP (or one of `CAP1|CAP2`) is chosen.

#include <map>
#include <set>
#include <string>
#include <string_view>

namespace connhost::sdkgen {

// Throws std::invalid_argument on an unbalanced @@if, or a @@NAME@@ without a value.
std::string render_template(std::string_view text, const std::map<std::string, std::string>& values,
                            const std::set<std::string, std::less<>>& enabled);

}  // namespace connhost::sdkgen
