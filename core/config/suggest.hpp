#pragma once

// "Did you mean" for misspelt keys and names: ops read these errors far more often than docs.

#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace connhost::config {

// Levenshtein distance (insertions, deletions, substitutions; bytes, not code points).
size_t edit_distance(std::string_view a, std::string_view b);

// The candidate nearest to `word` when it is within `max_distance` edits (the first one listed
// wins a tie), or nullopt.
std::optional<std::string> closest(std::string_view word, std::span<const std::string> candidates,
                                   size_t max_distance = 2);

// "; did you mean 'x'?" or "" when nothing is close enough.
std::string did_you_mean(std::string_view word, std::span<const std::string> candidates);

}  // namespace connhost::config
