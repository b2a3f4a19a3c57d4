#pragma once

// Category rules kept in the store, edited through the API (/api/categories/rules). The rules in
// force are these, by position, followed by the rules file's: a rule added in the dashboard
// takes precedence over the file the ops team deployed, and the file stays the reviewed baseline.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "categories/rules.hpp"
#include "config/categories.hpp"

namespace soci {
class session;
}

namespace connhost::categories {

struct StoredRule {
  int64_t id = 0;
  int64_t position = 0;  // ascending; ties by id
  config::CategoryRule rule;
  std::string updated_at;
};

// A rule that cannot be stored; what() names the field and what is wrong.
class InvalidRule : public std::invalid_argument {
 public:
  InvalidRule(std::string field, const std::string& message)
      : std::invalid_argument(message), field_(std::move(field)) {}
  const std::string& field() const { return field_; }

 private:
  std::string field_;
};

// Checks category, match, pattern (a regex must compile), platform and campaign type.
void check_rule(const config::CategoryRule& rule);

std::vector<StoredRule> list_stored_rules(soci::session& sql);
std::optional<StoredRule> find_stored_rule(soci::session& sql, int64_t id);
// `position` empty: after the last one. Throws InvalidRule.
StoredRule add_stored_rule(soci::session& sql, const config::CategoryRule& rule,
                           std::optional<int64_t> position);
// False when there is no such rule. Throws InvalidRule.
bool update_stored_rule(soci::session& sql, int64_t id, const config::CategoryRule& rule,
                        std::optional<int64_t> position);
bool delete_stored_rule(soci::session& sql, int64_t id);

// The stored rules, then the file's (config.reporting.categories_file), compiled. Throws
// RulesError for a rules file that does not load.
Rules rules_in_force(soci::session& sql, const config::HostConfig& config);
// The categories those rules name, for checking a category filter.
std::vector<std::string> rule_categories(soci::session& sql, const config::HostConfig& config);

}  // namespace connhost::categories
