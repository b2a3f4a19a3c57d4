#pragma once

// The category rules file named by `[reporting] categories_file`. Read here, beside the main
// configuration, so that its mistakes are reported the same way (FILE:LINE:COL, key path,
// did-you-mean) and toml++ stays inside this library. core/categories compiles and applies the
// rules.
//
//   [[rule]]                      # ordered: the first rule that matches a campaign wins
//   category = "Brand"            # required, non-empty
//   match = "contains"            # contains | regex; both case-insensitive
//   pattern = "brand"             # required, non-empty; a regex is searched anywhere in the
//                                 # name (ECMAScript syntax; anchor with ^ and $ when needed)
//   platform = "meta"             # optional: only campaigns of this platform
//   campaign_type = "Search"      # optional: else the platform's objective
//
// A campaign no rule matches is "Uncategorized" (unless an override names it).

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "config/config.hpp"

namespace connhost::config {

struct CategoryRule {
  std::string category;
  std::string match;  // "contains" | "regex"
  std::string pattern;
  std::string platform;  // empty: every platform
  std::optional<std::string> campaign_type;
  SourcePos pos;  // of the [[rule]] table
};

struct CategoryRulesResult {
  std::vector<CategoryRule> rules;  // in file order; empty when there is an error
  std::vector<Diagnostic> errors;
  bool ok() const { return errors.empty(); }
};

CategoryRulesResult load_category_rules(const std::filesystem::path& file);
// As load_category_rules, for text that did not come from disk; `pretend_file` names it.
CategoryRulesResult load_category_rules_string(std::string_view toml,
                                               const std::filesystem::path& pretend_file);

}  // namespace connhost::config
