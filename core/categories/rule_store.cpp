#include "categories/rule_store.hpp"

#include <soci/soci.h>

#include <algorithm>
#include <regex>

#include "store/dynamic_query.hpp"
#include "store/timestamp.hpp"

namespace connhost::categories {
namespace {

constexpr size_t kMaxText = 200;

StoredRule rule_at(const soci::row& r) {
  StoredRule s;
  s.id = store::int_at(r, 0);
  s.position = store::int_at(r, 1);
  s.rule.category = store::text_at(r, 2);
  s.rule.match = store::text_at(r, 3);
  s.rule.pattern = store::text_at(r, 4);
  s.rule.platform = store::text_at(r, 5);
  s.rule.campaign_type = store::nullable_text_at(r, 6);
  s.updated_at = store::text_at(r, 7);
  return s;
}

std::vector<StoredRule> select_rules(soci::session& sql, std::optional<int64_t> id) {
  store::DynamicQuery q;
  q.sql(
      "SELECT id, position, category, match, pattern, platform, campaign_type, "
      "CAST(updated_at AS TEXT) FROM category_rules");
  if (id) q.sql(" WHERE id = ").bind(std::to_string(*id));
  q.sql(" ORDER BY position, id");
  std::vector<StoredRule> out;
  q.each(sql, [&](const soci::row& r) { out.push_back(rule_at(r)); });
  return out;
}

}  // namespace

void check_rule(const config::CategoryRule& r) {
  auto text = [](const std::string& field, const std::string& v, bool required) {
    if (required && v.empty()) throw InvalidRule(field, field + ": required, must not be empty");
    if (v.size() > kMaxText)
      throw InvalidRule(field, field + ": longer than " + std::to_string(kMaxText) + " characters");
  };
  text("category", r.category, true);
  text("pattern", r.pattern, true);
  if (r.match != "contains" && r.match != "regex")
    throw InvalidRule(
        "match", "match: must be \"contains\" or \"regex\", got \"" + r.match.substr(0, 40) + "\"");
  if (!r.platform.empty() && r.platform != "meta" && r.platform != "google" &&
      r.platform != "tiktok")
    throw InvalidRule("platform", "platform: must be meta, google or tiktok (or absent for all)");
  if (r.campaign_type) text("campaign_type", *r.campaign_type, true);
  if (r.match == "regex") {
    try {
      std::regex re(r.pattern, std::regex::ECMAScript | std::regex::icase);
    } catch (const std::regex_error& e) {
      throw InvalidRule("pattern", std::string("pattern: not a valid regex: ") + e.what());
    }
  }
}

std::vector<StoredRule> list_stored_rules(soci::session& sql) {
  return select_rules(sql, std::nullopt);
}

std::optional<StoredRule> find_stored_rule(soci::session& sql, int64_t id) {
  auto rules = select_rules(sql, id);
  if (rules.empty()) return std::nullopt;
  return rules.front();
}

StoredRule add_stored_rule(soci::session& sql, const config::CategoryRule& rule,
                           std::optional<int64_t> position) {
  check_rule(rule);
  long long pos = 0;
  if (position) {
    pos = *position;
  } else {
    store::DynamicQuery q;
    q.sql("SELECT COALESCE(MAX(position), 0) + 1 FROM category_rules");
    pos = q.scalar_int(sql);
  }
  std::string now = store::now_timestamp(), category = rule.category, match = rule.match,
              pattern = rule.pattern, platform = rule.platform,
              type = rule.campaign_type.value_or("");
  soci::indicator platform_ind = platform.empty() ? soci::i_null : soci::i_ok,
                  type_ind = rule.campaign_type ? soci::i_ok : soci::i_null;
  sql << "INSERT INTO category_rules (position, category, match, pattern, platform, "
         "campaign_type, updated_at) VALUES (:pos, :c, :m, :p, :pl, :t, :u)",
      soci::use(pos), soci::use(category), soci::use(match), soci::use(pattern),
      soci::use(platform, platform_ind), soci::use(type, type_ind), soci::use(now);
  // The row just written: the newest id (ids only grow on both backends).
  store::DynamicQuery last;
  last.sql("SELECT MAX(id) FROM category_rules");
  return *find_stored_rule(sql, last.scalar_int(sql));
}

bool update_stored_rule(soci::session& sql, int64_t id, const config::CategoryRule& rule,
                        std::optional<int64_t> position) {
  check_rule(rule);
  auto existing = find_stored_rule(sql, id);
  if (!existing) return false;
  long long pos = position.value_or(existing->position), key = id;
  std::string now = store::now_timestamp(), category = rule.category, match = rule.match,
              pattern = rule.pattern, platform = rule.platform,
              type = rule.campaign_type.value_or("");
  soci::indicator platform_ind = platform.empty() ? soci::i_null : soci::i_ok,
                  type_ind = rule.campaign_type ? soci::i_ok : soci::i_null;
  sql << "UPDATE category_rules SET position = :pos, category = :c, match = :m, pattern = :p, "
         "platform = :pl, campaign_type = :t, updated_at = :u WHERE id = :id",
      soci::use(pos), soci::use(category), soci::use(match), soci::use(pattern),
      soci::use(platform, platform_ind), soci::use(type, type_ind), soci::use(now), soci::use(key);
  return true;
}

bool delete_stored_rule(soci::session& sql, int64_t id) {
  if (!find_stored_rule(sql, id)) return false;
  long long key = id;
  sql << "DELETE FROM category_rules WHERE id = :id", soci::use(key);
  return true;
}

namespace {
std::vector<config::CategoryRule> all_rules(soci::session& sql, const config::HostConfig& config) {
  std::vector<config::CategoryRule> out;
  for (auto& s : list_stored_rules(sql)) out.push_back(std::move(s.rule));
  if (!config.reporting.categories_file.empty())
    for (auto& rule : read_rules_file(config.reporting.categories_file))
      out.push_back(std::move(rule));
  return out;
}
}  // namespace

Rules rules_in_force(soci::session& sql, const config::HostConfig& config) {
  return Rules(all_rules(sql, config));
}

std::vector<std::string> rule_categories(soci::session& sql, const config::HostConfig& config) {
  std::vector<std::string> out;
  for (const auto& r : all_rules(sql, config))
    if (std::find(out.begin(), out.end(), r.category) == out.end()) out.push_back(r.category);
  return out;
}

}  // namespace connhost::categories
