#pragma once

// Category rules, compiled from the rules file (config/categories.hpp), and the classification
// of one campaign. SOCI stays out: recategorize.hpp has the store side.

#include <filesystem>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "config/categories.hpp"

namespace connhost::categories {

inline constexpr std::string_view kFallback = "Uncategorized";

// A rules file that does not load; what() lists every diagnostic, one per line.
class RulesError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct Match {
  std::string category;
  std::optional<std::string> campaign_type;
};

class Rules {
 public:
  Rules();  // no rules: every campaign falls back
  // Throws RulesError for an invalid regex (config::load_category_rules already refuses those).
  explicit Rules(std::vector<config::CategoryRule> rules);
  Rules(Rules&&) noexcept;
  Rules& operator=(Rules&&) noexcept;
  ~Rules();

  // The first rule matching the campaign's name on its platform; nullopt when none does.
  std::optional<Match> classify(std::string_view platform, std::string_view name) const;
  size_t size() const;

 private:
  struct Compiled;
  std::vector<Compiled> rules_;
};

// Reads a rules file without compiling it. Throws RulesError listing every diagnostic.
std::vector<config::CategoryRule> read_rules_file(const std::filesystem::path& file);
// Loads and compiles a rules file. Throws RulesError.
Rules load_rules(const std::filesystem::path& file);
// The rules the configuration names; no rules when it names none. Throws RulesError.
Rules load_rules(const config::HostConfig& config);

}  // namespace connhost::categories
