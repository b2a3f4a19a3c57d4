// `connhost categories ...`: re-applies the category rules and edits the overrides. Every edit
// re-applies at once, so the reports show the change without a re-sync.

#include <iostream>

#include "categories/recategorize.hpp"
#include "categories/rule_store.hpp"
#include "cli/commands.hpp"
#include "cli/exit_codes.hpp"
#include "cli/store_open.hpp"
#include "cli/table.hpp"
#include "store/session.hpp"

namespace connhost::cli {
namespace {

// The configuration, the rules it names, and a migrated store; or the exit code why not.
struct Setup {
  std::optional<config::HostConfig> host;
  std::optional<categories::Rules> rules;
  std::optional<store::Store> store;
  int rc = kExitOk;
};

Setup setup(const GlobalOptions& options) {
  Setup s;
  auto ctx = HostContext::open(options);
  if ((s.rc = ctx.require_host()) != kExitOk) return s;
  s.store = open_migrated_store(*ctx.host, s.rc);
  if (!s.store) return s;
  try {
    // The rules added through the API first, then the file's.
    s.rules = categories::rules_in_force(s.store->session(), *ctx.host);
  } catch (const categories::RulesError& e) {
    std::cerr << e.what() << '\n';
    s.rc = kExitConfigInvalid;
    return s;
  }
  s.host = std::move(ctx.host);
  return s;
}

void print(const categories::RecategorizeResult& r) {
  std::cout << "categorized " << r.campaigns << " campaigns: " << r.by_override << " by override, "
            << r.by_rule << " by rule, " << r.by_fallback << " " << categories::kFallback << '\n';
}

}  // namespace

int categories_apply(const GlobalOptions& options) {
  auto s = setup(options);
  if (s.rc != kExitOk) return s.rc;
  try {
    std::cout << "rules: "
              << (s.host->reporting.categories_file.empty()
                      ? std::string("none configured ([reporting] categories_file)")
                      : s.host->reporting.categories_file.string() + " (" +
                            std::to_string(s.rules->size()) + " rules)")
              << '\n';
    print(categories::recategorize(s.store->session(), *s.rules));
  } catch (const std::exception& e) {
    std::cerr << "connhost: categories apply failed: " << e.what() << '\n';
    return kExitFailure;
  }
  return kExitOk;
}

int categories_override_set(const GlobalOptions& options, const OverrideOptions& o) {
  if (o.category.empty()) {
    std::cerr << "connhost: the category must not be empty\n";
    return kExitUsage;
  }
  auto s = setup(options);
  if (s.rc != kExitOk) return s.rc;
  try {
    auto& sql = s.store->session();
    categories::set_override(sql, {o.platform, o.campaign_id, o.category, o.campaign_type, {}});
    std::cout << "override " << o.platform << " " << o.campaign_id << " -> " << o.category
              << (o.campaign_type.empty() ? "" : " (type " + o.campaign_type + ")") << '\n';
    print(categories::recategorize(sql, *s.rules, o.platform));
  } catch (const std::exception& e) {
    std::cerr << "connhost: override set failed: " << e.what() << '\n';
    return kExitFailure;
  }
  return kExitOk;
}

int categories_override_delete(const GlobalOptions& options, const OverrideOptions& o) {
  auto s = setup(options);
  if (s.rc != kExitOk) return s.rc;
  try {
    auto& sql = s.store->session();
    if (!categories::delete_override(sql, o.platform, o.campaign_id)) {
      std::cerr << "connhost: no override for " << o.platform << " " << o.campaign_id << '\n';
      return kExitFailure;
    }
    std::cout << "override " << o.platform << " " << o.campaign_id << " deleted\n";
    print(categories::recategorize(sql, *s.rules, o.platform));
  } catch (const std::exception& e) {
    std::cerr << "connhost: override delete failed: " << e.what() << '\n';
    return kExitFailure;
  }
  return kExitOk;
}

int categories_override_list(const GlobalOptions& options) {
  auto s = setup(options);
  if (s.rc != kExitOk) return s.rc;
  try {
    auto overrides = categories::list_overrides(s.store->session());
    if (overrides.empty()) {
      std::cout << "no overrides\n";
      return kExitOk;
    }
    Table t({"PLATFORM", "CAMPAIGN", "CATEGORY", "TYPE", "UPDATED"});
    for (const auto& o : overrides)
      t.add({o.platform, o.campaign_id, o.category, o.campaign_type.empty() ? "-" : o.campaign_type,
             o.updated_at});
    t.print(std::cout);
  } catch (const std::exception& e) {
    std::cerr << "connhost: override list failed: " << e.what() << '\n';
    return kExitFailure;
  }
  return kExitOk;
}

}  // namespace connhost::cli
