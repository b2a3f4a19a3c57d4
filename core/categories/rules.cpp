#include "categories/rules.hpp"

#include <algorithm>
#include <cctype>
#include <regex>

namespace connhost::categories {
namespace {

// ASCII only: campaign names are matched against patterns people type, and a locale-dependent
// fold would make the same rules file classify differently on two hosts.
std::string lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

}  // namespace

struct Rules::Compiled {
  config::CategoryRule rule;
  std::string needle;  // contains: the pattern, lowered
  std::optional<std::regex> re;
};

Rules::Rules() = default;
Rules::Rules(Rules&&) noexcept = default;
Rules& Rules::operator=(Rules&&) noexcept = default;
Rules::~Rules() = default;

Rules::Rules(std::vector<config::CategoryRule> rules) {
  rules_.reserve(rules.size());
  for (size_t i = 0; i < rules.size(); ++i) {
    Compiled c{std::move(rules[i]), {}, {}};
    if (c.rule.match == "regex") {
      try {
        c.re.emplace(c.rule.pattern, std::regex::ECMAScript | std::regex::icase);
      } catch (const std::regex_error& e) {
        throw RulesError("rule " + std::to_string(i + 1) + " ('" + c.rule.category +
                         "'): invalid regex '" + c.rule.pattern + "': " + e.what());
      }
    } else {
      c.needle = lower(c.rule.pattern);
    }
    rules_.push_back(std::move(c));
  }
}

std::optional<Match> Rules::classify(std::string_view platform, std::string_view name) const {
  std::string lowered;
  for (const auto& c : rules_) {
    if (!c.rule.platform.empty() && c.rule.platform != platform) continue;
    bool hit;
    if (c.re) {
      hit = std::regex_search(name.begin(), name.end(), *c.re);
    } else {
      if (lowered.empty()) lowered = lower(name);
      hit = lowered.find(c.needle) != std::string::npos;
    }
    if (hit) return Match{c.rule.category, c.rule.campaign_type};
  }
  return std::nullopt;
}

size_t Rules::size() const {
  return rules_.size();
}

std::vector<config::CategoryRule> read_rules_file(const std::filesystem::path& file) {
  auto r = config::load_category_rules(file);
  if (!r.ok()) {
    std::string msg;
    for (const auto& e : r.errors) msg += (msg.empty() ? "" : "\n") + e.to_string();
    throw RulesError(msg);
  }
  return std::move(r.rules);
}

Rules load_rules(const std::filesystem::path& file) {
  return Rules(read_rules_file(file));
}

Rules load_rules(const config::HostConfig& config) {
  if (config.reporting.categories_file.empty()) return Rules();
  return load_rules(config.reporting.categories_file);
}

}  // namespace connhost::categories
